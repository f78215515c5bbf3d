/**
 * Parent-side helpers shared by the benchmarks: a PostgreSQL server to make a throwaway database
 * on, servers under test in child processes, a keep-alive HTTP client for sequential latency,
 * autocannon runs, percentiles and tables.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { createLogger } from '../src/common/logger';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { applyMigrations } from '../src/database/migrations';
import { withDatabase } from '../test/support/database';
import type { ReadyMessage, ReplyMessage, RequestMessage } from './ipc';

// ---------------------------------------------------------------------------------------------
// Settings

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}=${JSON.stringify(raw)}: must be a positive integer`);
  return value;
}

export function machineLine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

export interface DatabaseServer {
  /** A superuser URL on the server. */
  adminUrl: string;
  description: string;
  stop(): Promise<void>;
}

/** DATABASE_URL if set (a superuser URL: the bench creates and drops a database there), else an embedded server in a temp dir. */
export async function startDatabaseServer(): Promise<DatabaseServer> {
  const fromEnv = process.env['DATABASE_URL'];
  if (fromEnv) return { adminUrl: fromEnv, description: 'the PostgreSQL server at DATABASE_URL', stop: async () => undefined };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-bench-pg-'));
  const embedded = await startEmbeddedPostgres(dir, createLogger('warn'));
  return {
    adminUrl: embedded.url,
    description: `an embedded PostgreSQL in ${dir} (set DATABASE_URL to use another server)`,
    async stop() {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export interface BenchDatabase {
  url: string;
  name: string;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** A fresh `charter_bench_<random>` database with every migration applied. */
export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const name = `charter_bench_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl, name);
  await applyMigrations(url);
  return {
    url,
    name,
    query: <R>(sql: string, params: unknown[] = []) => withClient(url, async (c) => (await c.query(sql, params)).rows as R[]),
    drop: () => withClient(adminUrl, async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Servers under test

export interface ServerProcess {
  label: string;
  url: string;
  pid: number;
  /** Sends a request to the server process and awaits its reply. */
  request<T>(kind: string, payload?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (a compiled bench server) and waits for it to listen. Its stdout (request logs
 * at LOG_LEVEL=info) goes to `stdoutFile` if given, else nowhere; stderr is shown.
 */
export async function startServerProcess(label: string, script: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<ServerProcess> {
  const out = stdoutFile ? await fs.open(stdoutFile, 'a') : undefined;
  const child: ChildProcess = fork(script, args, {
    env,
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: ['ignore', out ? out.fd : 'ignore', 'inherit', 'ipc'],
    // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the servers under test.
    execArgv: (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(/\s+/).filter(Boolean),
  });
  await out?.close();
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error(`${label}: server process exited (code ${code})`));
      pending.clear();
      resolve(code);
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (message: ReadyMessage | ReplyMessage) => {
      if ('kind' in message && message.kind === 'ready') {
        child.off('message', onMessage);
        resolve(message.port);
      }
    };
    child.on('message', onMessage);
    void exit.then((code) => reject(new Error(`${label}: server process exited before listening (code ${code})`)));
  });
  child.on('message', (message: ReadyMessage | ReplyMessage) => {
    if (!('id' in message)) return;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    if (message.ok) p.resolve(message.result);
    else p.reject(new Error(`${label}: ${message.error}`));
  });
  return {
    label,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    request<T>(kind: string, payload?: unknown): Promise<T> {
      if (exited) return Promise.reject(new Error(`${label}: server process is gone`));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, kind, payload } satisfies RequestMessage);
      });
    },
    async stop() {
      if (exited) return;
      child.send({ id: nextId++, kind: 'stop' } satisfies RequestMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Counts log lines at error level or above (pino: 50 error, 60 fatal) in a server's stdout file. */
export async function countErrorLogLines(file: string): Promise<{ lines: number; errors: number; firstError?: string }> {
  let lines = 0;
  let errors = 0;
  let firstError: string | undefined;
  const rl = readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    lines++;
    const m = /"level":(\d+)/.exec(line);
    if (m && Number(m[1]) >= 50) {
      errors++;
      firstError ??= line.slice(0, 400);
    }
  }
  return { lines, errors, firstError };
}

// ---------------------------------------------------------------------------------------------
// Sequential latency over one keep-alive connection

export interface TimedResponse {
  status: number;
  body: string;
  /** From sending the request to reading the last byte of the response, in nanoseconds. */
  ns: number;
  /** Whether the request went over an already open connection (keep-alive). */
  reused: boolean;
}

/** One keep-alive TCP connection (maxSockets 1), used sequentially: a request waits for the previous response. */
export class KeepAliveClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;
  private readonly headers: Record<string, string | number>;

  constructor(
    url: string,
    headers: Record<string, string>,
    private readonly body: string,
  ) {
    this.target = new URL(url);
    this.headers = { ...headers, 'content-length': Buffer.byteLength(body) };
  }

  /** POSTs the body given to the constructor, or `body` (same headers, its own content-length). */
  post(body: string = this.body): Promise<TimedResponse> {
    const headers = body === this.body ? this.headers : { ...this.headers, 'content-length': Buffer.byteLength(body) };
    return new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        { agent: this.agent, host: this.target.hostname, port: this.target.port, path: this.target.pathname, method: 'POST', headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ns = Number(process.hrtime.bigint() - start);
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ns, reused: req.reusedSocket });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Throughput

export interface LoadResult {
  reqPerSec: number;
  total2xx: number;
  non2xx: number;
  mismatches: number;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  durationS: number;
}

/**
 * autocannon against `url`: `connections` concurrent keep-alive clients POSTing `body` for
 * `seconds`. Every response must be 2xx and byte-identical to `expectBody`; anything else is
 * counted (non2xx, mismatches), never passed off as throughput.
 */
export async function runLoad(o: {
  url: string;
  headers: Record<string, string>;
  body: string;
  expectBody?: string;
  connections: number;
  seconds: number;
}): Promise<LoadResult> {
  const r = await autocannon({
    url: o.url,
    method: 'POST',
    headers: o.headers,
    body: o.body,
    connections: o.connections,
    duration: o.seconds,
    ...(o.expectBody !== undefined ? { expectBody: o.expectBody } : {}),
  });
  return {
    // Responses that were 2xx and (if checked) had the expected body, per second of the run.
    reqPerSec: (r['2xx'] - r.mismatches) / r.duration,
    total2xx: r['2xx'],
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    errors: r.errors,
    timeouts: r.timeouts,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    durationS: r.duration,
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics and output

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** A plain-text table: first row is the header; numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string) => /^[-+×x]?[\d.,]+\s*(%|×|ms|µs|MiB|\/s)?$/.test(s.trim());
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i > 0 && numeric(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

export function section(title: string): void {
  say();
  say(`== ${title}`);
}

/** Runs a benchmark's main: exit 0 whatever the verdicts (a benchmark reports), 1 if it could not run. */
export function runBenchmark(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${name} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
