import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_ENV, requireEnv } from './test-env';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: requireEnv(TEST_ENV.adminUrl) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/**
 * A fresh copy of the migrated template database, so test files never see each other's rows
 * (immich's medium tests do the same with CREATE DATABASE ... TEMPLATE).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `charter_t_${randomBytes(5).toString('hex')}`;
  const template = requireEnv(TEST_ENV.templateDatabase);
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const url = withDatabase(requireEnv(TEST_ENV.adminUrl), name);
  return {
    url,
    name,
    async query<R>(sql: string, params: unknown[] = []): Promise<R[]> {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as R[];
      } finally {
        await client.end();
      }
    },
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
