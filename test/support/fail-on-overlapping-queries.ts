/**
 * Preloaded into every test process by run-tests: pg's warning that a query was given to a client
 * already running one (a `Promise.all` on one transaction's connection; an error from pg 9) fails
 * the test that caused it instead of printing once per process and passing. pg gives the warning no
 * `code`, so it is matched by its text.
 */
process.on('warning', (warning) => {
  if (warning.name === 'DeprecationWarning' && warning.message.includes('client is already executing a query')) {
    throw Object.assign(new Error(`overlapping queries on one pg client: ${warning.message}`), { stack: warning.stack });
  }
});
