/**
 * `npm run bench:drivers`: which HTTP adapter and GraphQL driver to build Charter on, by measuring.
 *
 * One minimal NestJS app (bench/driver-server.ts: one code-first query returning a small object,
 * one global guard) is built each way and served from its own child process; this process drives
 * it with autocannon (50 connections, 10 s, after a short warm-up) and prints req/s and latency
 * beside the ratio to the baseline, Express + Apollo (NestJS's default stack).
 *
 * Settings (environment): BENCH_DURATION (s, 10), BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (1; more rounds rotate the order and report the median), BENCH_VARIANTS
 * (comma-separated subset of the variants below), BENCH_SERVER_NODE_ARGS. See bench/README.md.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { DRIVER_QUERY, VARIANTS, VARIANT_LABELS, type Variant } from './driver-variants';
import type { MemoryFigures } from './ipc';
import { envInt, fixed, machineLine, median, runLoad, say, section, startServerProcess, table, type LoadResult, runBenchmark } from './support';

const SERVER_SCRIPT = path.join(__dirname, 'driver-server.js');
const BASELINE: Variant = 'express-apollo';

const settings = {
  durationS: envInt('BENCH_DURATION', 10),
  warmupS: envInt('BENCH_WARMUP_SECONDS', 3),
  connections: envInt('BENCH_CONNECTIONS', 50),
  rounds: envInt('BENCH_ROUNDS', 1),
  variants: parseVariants(process.env['BENCH_VARIANTS']),
};

function parseVariants(raw: string | undefined): Variant[] {
  if (!raw?.trim()) return [...VARIANTS];
  const names = raw.split(',').map((s) => s.trim());
  for (const n of names)
    if (!(VARIANTS as readonly string[]).includes(n)) throw new Error(`BENCH_VARIANTS: unknown variant ${n}; one of ${VARIANTS.join(', ')}`);
  return names as Variant[];
}

interface Outcome {
  variant: Variant;
  runs: LoadResult[];
  memory?: MemoryFigures;
}

async function measure(variant: Variant, outcome: Outcome): Promise<void> {
  const server = await startServerProcess(variant, SERVER_SCRIPT, [variant], { ...process.env, NODE_ENV: 'production' });
  try {
    const url = `${server.url}/graphql`;
    const body = JSON.stringify({ query: DRIVER_QUERY });
    const headers = { 'content-type': 'application/json' };
    const res = await fetch(url, { method: 'POST', headers, body });
    const expected = await res.text();
    const parsed = JSON.parse(expected) as { data?: { model?: { id?: string } } };
    if (res.status !== 200 || !parsed.data?.model?.id) throw new Error(`${variant}: unexpected answer ${res.status} ${expected}`);
    const denied = await fetch(url, { method: 'POST', headers: { ...headers, 'x-bench-deny': '1' }, body });
    const deniedBody = (await denied.json()) as { data?: { model?: unknown } | null; errors?: unknown[] };
    if (deniedBody.data?.model || !deniedBody.errors?.length) throw new Error(`${variant}: the guard did not run (a refused request was answered)`);
    // Warm-up (JIT, graphql-jit compilation, caches); not recorded.
    await runLoad({ url, headers, body, expectBody: expected, connections: settings.connections, seconds: settings.warmupS });
    const r = await runLoad({ url, headers, body, expectBody: expected, connections: settings.connections, seconds: settings.durationS });
    outcome.runs.push(r);
    outcome.memory = await server.request<MemoryFigures>('memory');
    say(
      `  ${VARIANT_LABELS[variant].padEnd(28)} ${fixed(r.reqPerSec, 0).padStart(6)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  ` +
        `2xx ${r.total2xx}  non-2xx ${r.non2xx}  wrong body ${r.mismatches}  errors ${r.errors}  (${Buffer.byteLength(expected)} B response; guard refuses x-bench-deny: yes)`,
    );
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  say('NestJS HTTP adapter × GraphQL driver benchmark (bench/drivers.bench.ts)');
  say(`machine: ${machineLine()}`);
  say(
    `settings: ${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured per variant, ${settings.rounds} round(s); server in a child process, load generator here`,
  );
  say(`query: ${DRIVER_QUERY} (code-first resolver returning a constant object; one global guard)`);
  say(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const outcomes = new Map<Variant, Outcome>(settings.variants.map((v) => [v, { variant: v, runs: [] }]));
  for (let round = 0; round < settings.rounds; round++) {
    section(`round ${round + 1}`);
    // Rotate the order each round so no variant always runs first (or last) on a drifting machine.
    const order = settings.variants.map((_, i) => settings.variants[(i + round) % settings.variants.length]!);
    for (const v of order) {
      // A variant that cannot start (e.g. @as-integrations/express5 not installed) is reported, not fatal.
      await measure(v, outcomes.get(v)!).catch((error: unknown) =>
        say(`  ! ${VARIANT_LABELS[v]}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`),
      );
    }
  }

  section('result');
  const rows = [...outcomes.values()]
    .filter((o) => o.runs.length > 0)
    .map((o) => ({
      o,
      reqPerSec: median(o.runs.map((r) => r.reqPerSec)),
      p50: median(o.runs.map((r) => r.latencyP50Ms)),
      p99: median(o.runs.map((r) => r.latencyP99Ms)),
      bad: o.runs.reduce((s, r) => s + r.non2xx + r.mismatches + r.errors + r.timeouts, 0),
    }));
  const base = rows.find((r) => r.o.variant === BASELINE);
  say(
    table([
      ['', 'req/s', 'p50 ms', 'p99 ms', 'bad responses', `× ${VARIANT_LABELS[BASELINE]}`, 'server rss'],
      ...rows.map((r) => [
        VARIANT_LABELS[r.o.variant],
        fixed(r.reqPerSec, 0),
        String(r.p50),
        String(r.p99),
        String(r.bad),
        base ? `${fixed(r.reqPerSec / base.reqPerSec, 2)}×` : 'n/a',
        r.o.memory ? `${r.o.memory.rssMiB} MiB` : 'n/a',
      ]),
    ]),
  );
  say(`(req/s counts only 2xx responses with the expected body; ${settings.rounds > 1 ? `median of ${settings.rounds} rounds` : 'one run per variant'})`);
  const valid = rows.filter((r) => r.bad === 0);
  const best = valid.reduce<(typeof rows)[number] | undefined>((b, r) => (!b || r.reqPerSec > b.reqPerSec ? r : b), undefined);
  if (best)
    say(
      `fastest: ${VARIANT_LABELS[best.o.variant]} at ${fixed(best.reqPerSec, 0)} req/s${base ? ` (${fixed(best.reqPerSec / base.reqPerSec, 2)}× ${VARIANT_LABELS[BASELINE]})` : ''}`,
    );
  for (const r of rows) if (r.bad > 0) say(`! ${VARIANT_LABELS[r.o.variant]}: ${r.bad} bad responses: its figure is not valid`);
  say(
    `load average at end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  say(`total bench time: ${fixed((Date.now() - started) / 1000, 0)} s`);
}

runBenchmark('bench:drivers', main);
