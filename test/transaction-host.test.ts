import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { TransactionHost } from '../src/database/transaction-host';
import { createTestDatabase, type TestDatabase } from './support/database';

/**
 * Services await several queries at once (`Promise.all`) and run both on the pool and inside a
 * mutation's transaction. Inside one, they all go to its single connection: TransactionHost must
 * hand them over one at a time (pg warns otherwise, and the test runner turns that warning into a
 * failure), still all in the transaction.
 */
describe('TransactionHost', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let host: TransactionHost;

  before(async () => {
    db = await createTestDatabase();
    dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [], extra: { max: 4 } }).initialize();
    host = new TransactionHost(dataSource);
  });

  after(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('runs queries awaited together inside a transaction one after another, all in that transaction, in call order', async () => {
    const rows = await host.run(() =>
      Promise.all(
        [30, 0, 10, 0, 20].map((ms, i) =>
          host.query<{ i: number; tx: string }>('SELECT $1::int AS i, txid_current()::text AS tx FROM pg_sleep($2 / 1000.0)', [i, ms]),
        ),
      ),
    );
    assert.deepEqual(
      rows.map(([r]) => r!.i),
      [0, 1, 2, 3, 4],
    );
    assert.equal(new Set(rows.map(([r]) => r!.tx)).size, 1, 'one transaction');
  });

  it('lets the queries after a failed one run and get PostgreSQL’s answer', async () => {
    const [failed, next] = await host.run(() => Promise.allSettled([host.query('SELECT 1/0'), host.query('SELECT 1 AS one')]));
    assert.match(String(failed.status === 'rejected' && failed.reason), /division by zero/);
    assert.match(String(next.status === 'rejected' && next.reason), /current transaction is aborted/);
  });

  it('still runs queries outside a transaction on separate pool connections, at the same time', async () => {
    const pids = await Promise.all([0, 1, 2].map(() => host.query<{ pid: number }>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)')));
    assert.equal(new Set(pids.map(([r]) => r!.pid)).size, 3);
  });
});
