/** Environment handed from the test runner (run-tests.ts) to every test file. */
export const TEST_ENV = {
  /** A superuser URL on the test server (DATABASE_URL, or the embedded one the runner started). */
  adminUrl: 'CHARTER_TEST_ADMIN_URL',
  /** A database with every migration applied, copied per test file. */
  templateDatabase: 'CHARTER_TEST_TEMPLATE_DB',
} as const;

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with "npm test" (test/run-tests.ts sets it up)`);
  return value;
}
