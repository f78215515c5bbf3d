/**
 * Parent-side load for bench/lineage.bench.ts: many concurrent keep-alive clients POSTing a list of
 * distinct bodies (each body once, in order), and where the CPU went meanwhile.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as http from 'node:http';
import { percentile } from '../support';

export interface PostAllResult {
  seconds: number;
  requests: number;
  /** 2xx responses. */
  ok: number;
  non2xx: number;
  errors: number;
  /** Sum of what the 2xx responses say they did (ingest: `{ accepted, duplicates }`). */
  accepted: number;
  duplicates: number;
  /** Request latency, ms, ascending. */
  latencyMs: number[];
  firstFailure?: string;
  /** TCP connections opened. */
  connections: number;
}

/**
 * Sends every body once with `connections` clients in parallel (each takes the next body as soon
 * as its previous request is answered) and counts only 2xx responses.
 */
export async function postAll(o: { url: string; headers: Record<string, string>; bodies: string[]; connections: number }): Promise<PostAllResult> {
  const target = new URL(o.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const sockets = new WeakSet<object>();
  let opened = 0;
  const result: PostAllResult = { seconds: 0, requests: 0, ok: 0, non2xx: 0, errors: 0, accepted: 0, duplicates: 0, latencyMs: [], connections: 0 };
  const post = (body: string) =>
    new Promise<void>((resolve) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...o.headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            result.latencyMs.push(Number(process.hrtime.bigint() - start) / 1e6);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              result.ok++;
              const answer = JSON.parse(text) as { accepted?: number; duplicates?: number };
              result.accepted += answer.accepted ?? 0;
              result.duplicates += answer.duplicates ?? 0;
            } else {
              result.non2xx++;
              result.firstFailure ??= `${status} ${text.slice(0, 300)}`;
            }
            resolve();
          });
        },
      );
      req.on('socket', (socket) => {
        if (!sockets.has(socket)) {
          sockets.add(socket);
          opened++;
        }
      });
      req.on('error', (error) => {
        result.errors++;
        result.firstFailure ??= String(error);
        resolve();
      });
      req.end(body);
    });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(o.connections, o.bodies.length) }, async () => {
      while (next < o.bodies.length) {
        const body = o.bodies[next++]!;
        result.requests++;
        await post(body);
      }
    }),
  );
  result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  result.latencyMs.sort((a, b) => a - b);
  result.connections = opened;
  return result;
}

export function latencySummary(sortedMs: number[]): { p50: number; p99: number } {
  return { p50: percentile(sortedMs, 50), p99: percentile(sortedMs, 99) };
}

// ---------------------------------------------------------------------------------------------
// CPU accounting

/** Busy CPU time of the whole machine, in seconds (all cores, from /proc/stat); undefined off Linux. */
export function machineCpuSeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = user! + nice! + system! + irq! + softirq! + steal!;
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of one process by pid, in seconds, from /proc; undefined if unreadable. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12]: utime, stime (fields 14 and 15 of proc(5), counted after the name).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of a local PostgreSQL server, in seconds: the postmaster, the children it has reaped
 * (cutime/cstime: backends that exited) and its live children (backends, walwriter, checkpointer...).
 * Undefined when the server is not a process on this machine.
 */
export function postgresCpuSeconds(postmasterPid: number): number | undefined {
  try {
    const fieldsOf = (pid: number | string) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    };
    const own = fieldsOf(postmasterPid);
    // After the name: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime.
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const f = fieldsOf(entry);
        if (Number(f[1]) === postmasterPid) ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // the process ended meanwhile: its time is in the postmaster's cutime/cstime now
      }
    }
    return ticks / 100;
  } catch {
    return undefined;
  }
}

/** The postmaster of the backend serving `backendPid`, if that backend is a process on this machine. */
export function postmasterOf(backendPid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export interface CpuSplit {
  wallSeconds: number;
  /** Cores busy on average, per part. */
  server: number;
  loadGenerator: number;
  /** PostgreSQL, when it runs on this machine and its processes can be read. */
  postgres?: number;
  /** Everything else: other work on the machine (and PostgreSQL when it could not be counted apart). */
  rest: number;
}

/** Starts counting; `stop()` gives how busy the server, this process, PostgreSQL and the rest of the machine were. */
export function cpuMeter(serverPid: number, postmasterPid?: number): { stop(): CpuSplit | undefined } {
  const t0 = process.hrtime.bigint();
  const machine0 = machineCpuSeconds();
  const server0 = processCpuSeconds(serverPid);
  const pg0 = postmasterPid === undefined ? undefined : postgresCpuSeconds(postmasterPid);
  const self0 = process.cpuUsage();
  return {
    stop() {
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const machine1 = machineCpuSeconds();
      const server1 = processCpuSeconds(serverPid);
      const pg1 = postmasterPid === undefined ? undefined : postgresCpuSeconds(postmasterPid);
      if (machine0 === undefined || machine1 === undefined || server0 === undefined || server1 === undefined) return undefined;
      const self = process.cpuUsage(self0);
      const selfSeconds = (self.user + self.system) / 1e6;
      const server = server1 - server0;
      const postgres = pg0 !== undefined && pg1 !== undefined ? pg1 - pg0 : undefined;
      return {
        wallSeconds: wall,
        server: server / wall,
        loadGenerator: selfSeconds / wall,
        ...(postgres !== undefined ? { postgres: postgres / wall } : {}),
        rest: Math.max(0, machine1 - machine0 - server - selfSeconds - (postgres ?? 0)) / wall,
      };
    },
  };
}
