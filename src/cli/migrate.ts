/**
 * `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL in
 * CHARTER_DATA_DIR when DATABASE_URL is unset. Charter also does this at every start.
 */
import { createLogger } from '../common/logger';
import { ConfigError, loadConfig } from '../config/config';
import { startEmbeddedPostgres, takeOverShutdownSignals } from '../database/embedded-postgres';
import { applyMigrations } from '../database/migrations';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  takeOverShutdownSignals();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir, logger);
  try {
    const applied = await applyMigrations(config.databaseUrl ?? embedded!.url);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  const lines = error instanceof ConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
  for (const line of lines) process.stderr.write(`charter migrate: ${line}\n`);
  process.exit(1);
});
