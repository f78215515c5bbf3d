/**
 * `npm run bench:authz`: what the access guard (token verification + policy check) costs on an
 * authenticated GraphQL query, with 10,000 policies loaded.
 *
 *   A  Charter as deployed (NODE_ENV=production, the real AccessGuard), in a child process.
 *   B  the same build and configuration with the guard replaced by BypassGuard (bench/server.ts),
 *      which attaches a fixed principal and checks nothing: the baseline.
 *
 * Both run at once against one fresh database; the load generator is this process. It prints
 * sequential latency (p50/p90/p99, A and B interleaved in blocks), throughput with 50 concurrent
 * clients (autocannon), memory, the cost of authentication and of AuthorizationService.check
 * called directly inside app A, and one verdict line per goal. It reports; it never fails on a missed goal (exit 1 only if it could not run).
 *
 * Settings (environment): DATABASE_URL, BENCH_DURATION (s, 10), BENCH_CONNECTIONS (50),
 * BENCH_WARMUP (2000), BENCH_REQUESTS (10000), BENCH_BLOCK (500), BENCH_LOAD_ROUNDS (2),
 * BENCH_DOMAINS (500), BENCH_RULES_PER_DOMAIN (20), BENCH_LOG_LEVEL (info),
 * BENCH_CHECKS (100000), BENCH_NEW_SUBJECTS (1000), BENCH_AUTHENTICATIONS (5000),
 * BENCH_FRESH_TOKENS (500),
 * BENCH_SERVER_NODE_ARGS (node flags for the servers, e.g. --cpu-prof). See bench/README.md.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { requestDevToken } from '../src/auth/dev-idp/dev-idp-client';
import type { Principal } from '../src/auth/principal';
import { startTestIdentityProvider, type TestIdentityProvider } from '../test/support/identity-provider';
import { memoryFigures, type MemoryFigures } from './ipc';
import type { AuthzBenchRequest, AuthzBenchResult, ProbeRequest, TimingUs } from './server';
import { prng } from '../src/common/prng';
import {
  KeepAliveClient,
  countErrorLogLines,
  createBenchDatabase,
  envInt,
  fixed,
  machineLine,
  median,
  percentile,
  runLoad,
  say,
  section,
  startDatabaseServer,
  startServerProcess,
  table,
  type BenchDatabase,
  type DatabaseServer,
  type LoadResult,
  type ServerProcess,
  runBenchmark,
} from './support';

const ROOT = path.resolve(__dirname, '..', '..');
const SERVER_SCRIPT = path.join(__dirname, 'server.js');

const QUERY = '{ me { id email roles } }';
const GOAL_P99_OVERHEAD_MS = 1;
const GOAL_REQ_PER_SEC = 1500;

const settings = {
  durationS: envInt('BENCH_DURATION', 10),
  connections: envInt('BENCH_CONNECTIONS', 50),
  warmup: envInt('BENCH_WARMUP', 2000),
  requests: envInt('BENCH_REQUESTS', 10_000),
  block: envInt('BENCH_BLOCK', 500),
  loadRounds: envInt('BENCH_LOAD_ROUNDS', 2),
  domains: envInt('BENCH_DOMAINS', 500),
  rulesPerDomain: envInt('BENCH_RULES_PER_DOMAIN', 20),
  checks: envInt('BENCH_CHECKS', 100_000),
  newSubjects: envInt('BENCH_NEW_SUBJECTS', 1000),
  authentications: envInt('BENCH_AUTHENTICATIONS', 5000),
  freshTokens: envInt('BENCH_FRESH_TOKENS', 500),
  logLevel: process.env['BENCH_LOG_LEVEL'] ?? 'info',
};

// ---------------------------------------------------------------------------------------------
// 10,000 policies

const ROLES = ['risk_officer', 'ciso', 'compliance', 'data_scientist', 'data_owner', 'model_owner', 'service'] as const;
const OBJECTS = [
  'model',
  'modelVersion',
  'dataset',
  'lineage',
  'predictions',
  'assessment',
  'riskRegister',
  'incident',
  'evaluation',
  'report',
  'control',
  'evidence',
];
const ACTIONS = ['read', 'create', 'update', 'delete', 'approve', 'export', 'ingest'];

const PROBE = { subject: 'user:bench-probe', object: 'probe', action: 'read' };
/** A persisted role assignment `g, subject, role, domain`; the subject has no line of its own and no role from a token. */
const ASSIGNMENT = { subject: 'user:bench-assigned', role: 'data_owner', domain: 'bu-042' };

/**
 * `domains` business units × `perDomain` lines `p, subject, domain, object, action, effect`:
 * subjects are roles (70%) or one of three users of the unit; ~3% wildcard objects, ~3% wildcard
 * actions, ~8% deny. The last line is a probe rule, checked through the running app to show the
 * whole set was loaded; the one before it is replaced by ASSIGNMENT (a `g` line). Rows are
 * `[ptype, v0, v1, v2, v3, v4]`.
 */
function generatePolicies(domains: number, perDomain: number): string[][] {
  const rand = prng(20_260_611);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const rows: string[][] = [];
  for (let d = 0; d < domains; d++) {
    const domain = `bu-${String(d).padStart(3, '0')}`;
    const users = [1, 2, 3].map((k) => `user:00000000-0000-4000-8000-${(d * 10 + k).toString(16).padStart(12, '0')}`);
    const seen = new Set<string>();
    while (seen.size < perDomain) {
      const subject = rand() < 0.7 ? pick(ROLES) : pick(users);
      const object = rand() < 0.03 ? '*' : pick(OBJECTS);
      const action = rand() < 0.03 ? '*' : pick(ACTIONS);
      const effect = rand() < 0.08 ? 'deny' : 'allow';
      const key = `${subject},${object},${action}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(['p', subject, domain, object, action, effect]);
    }
  }
  rows[rows.length - 1] = ['p', PROBE.subject, rows[rows.length - 1]![2]!, PROBE.object, PROBE.action, 'allow'];
  rows[rows.length - 2] = ['g', ASSIGNMENT.subject, ASSIGNMENT.role, ASSIGNMENT.domain, '', ''];
  return rows;
}

async function loadPolicies(db: BenchDatabase, rows: string[][]): Promise<void> {
  const column = (i: number) => rows.map((r) => r[i]!);
  await db.query(
    `INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [column(0), column(1), column(2), column(3), column(4), column(5)],
  );
}

// ---------------------------------------------------------------------------------------------
// Measurements

interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function summarise(samplesMs: number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean: sorted.reduce((s, v) => s + v, 0) / sorted.length };
}

interface Target {
  label: string;
  server: ServerProcess;
  client: KeepAliveClient;
  samples: number[];
  failures: number;
  newConnections: number;
}

/** `n` sequential requests; each response must be exactly `expected`. */
async function runBlock(t: Target, n: number, expected: string, record: boolean): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await t.client.post();
    if (r.status !== 200 || r.body !== expected) {
      t.failures++;
      if (t.failures === 1) say(`  ! ${t.label}: unexpected response ${r.status} ${r.body.slice(0, 300)}`);
    }
    if (!r.reused) t.newConnections++;
    if (record) t.samples.push(r.ns / 1e6);
  }
}

/**
 * A and B alternate in blocks of `block` requests, in ABBA order (A B, B A, A B, ...), so slow
 * drift of the machine (frequency, other processes, GC of the client) falls on both alike.
 */
async function interleaved(a: Target, b: Target, total: number, block: number, expected: string, record: boolean): Promise<void> {
  for (let done = 0, round = 0; done < total; done += block, round++) {
    const n = Math.min(block, total - done);
    const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
    await runBlock(first, n, expected, record);
    await runBlock(second, n, expected, record);
  }
}

async function graphql(
  url: string,
  query: string,
  token?: string,
): Promise<{ status: number; text: string; json: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] } }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: JSON.parse(text) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] },
  };
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function us(t: TimingUs): string[] {
  return [String(t.n), fixed(t.meanUs, 1), fixed(t.p50Us, 1), fixed(t.p99Us, 1)];
}

function mem(m: MemoryFigures): string[] {
  return [`${m.rssMiB} MiB`, `${m.heapUsedMiB} MiB`, `${m.heapTotalMiB} MiB`, `${m.externalMiB} MiB`];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  say('Charter authorization benchmark (bench/authz.bench.ts)');
  say(`machine: ${machineLine()}`);
  say(
    `settings: ${settings.domains}×${settings.rulesPerDomain} policies, latency ${settings.warmup} warm-up + ${settings.requests} measured per app (blocks of ${settings.block}, ABBA), ` +
      `load ${settings.connections} connections × ${settings.durationS} s × ${settings.loadRounds} round(s), server LOG_LEVEL=${settings.logLevel}`,
  );
  say(`query: ${QUERY}  (user "risk", role risk_officer, permission self.read)`);
  say(`load average at start: ${loadAverage()} (other work on the machine skews every figure; see README)`);

  let pg: DatabaseServer | undefined;
  let db: BenchDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  const servers: ServerProcess[] = [];
  const clients: KeepAliveClient[] = [];
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-bench-'));
  try {
    section('setup');
    pg = await startDatabaseServer();
    say(`database server: ${pg.description}`);
    db = await createBenchDatabase(pg.adminUrl);
    const rows = generatePolicies(settings.domains, settings.rulesPerDomain);
    await loadPolicies(db, rows);
    say(
      `database: ${db.name}, migrated; inserted ${rows.length} synthetic policies before the apps start ` +
        `(${rows.length - 1} p lines and 1 g line: ${ASSIGNMENT.subject} holds ${ASSIGNMENT.role} in ${ASSIGNMENT.domain})`,
    );
    idp = await startTestIdentityProvider();
    const token = await idp.token('risk');
    say(`identity provider: ${idp.issuer} (real RS256 access tokens)`);
    // Distinct tokens of the same user (each with its own jti), for authentication without the verified-token cache.
    const fetchStarted = Date.now();
    const freshTokens: string[] = [];
    for (let i = 0; i < settings.freshTokens; i++) freshTokens.push(await requestDevToken(idp.issuer, 'risk', 'risk'));
    if (new Set([token, ...freshTokens]).size !== freshTokens.length + 1) throw new Error('the identity provider returned the same token twice');
    say(
      `fresh tokens: ${freshTokens.length} distinct access tokens of "risk" fetched in ${fixed((Date.now() - fetchStarted) / 1000, 1)} s, none sent to a server before step "inside the guard"`,
    );

    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      OIDC_ISSUER_URL: idp.issuer,
      LOG_LEVEL: settings.logLevel,
      CHARTER_DATA_DIR: path.join(work, 'data'),
      POLICIES_DIR: path.join(ROOT, 'policies'),
      PORT: '4000',
    };
    const logA = path.join(work, 'server-a.log');
    const logB = path.join(work, 'server-b.log');
    const a = await startServerProcess('A guard on', SERVER_SCRIPT, [], { ...baseEnv, BENCH_GUARD: 'on' }, logA);
    servers.push(a);

    // The principal A resolves for the token becomes B's fixed principal, so both answer byte-identically.
    const who = await graphql(a.url, '{ me { id subject email name kind roleBindings { role domain } } }', token);
    const me = who.json.data?.['me'] as (Omit<Principal, 'roles' | 'via'> & { roleBindings: Principal['roles'] }) | undefined;
    if (!me) throw new Error(`A did not answer "me": ${who.text}`);
    const principal: Principal = {
      id: me.id,
      subject: me.subject,
      kind: me.kind,
      via: 'oidc',
      email: me.email ?? undefined,
      name: me.name ?? undefined,
      roles: me.roleBindings,
    };
    const b = await startServerProcess('B guard off', SERVER_SCRIPT, [], { ...baseEnv, BENCH_GUARD: 'off', BENCH_PRINCIPAL: JSON.stringify(principal) }, logB);
    servers.push(b);
    say(`servers: A ${a.url} (pid ${a.pid}, AccessGuard), B ${b.url} (pid ${b.pid}, BypassGuard); both NODE_ENV=production`);

    const counts = await db.query<{ ptype: string; n: string }>(`SELECT ptype, count(*) AS n FROM casbin_rule GROUP BY ptype ORDER BY ptype`);
    const total = counts.reduce((s, r) => s + Number(r.n), 0);
    say(
      `policies in casbin_rule: ${total} (${counts.map((r) => `${r.ptype}: ${r.n}`).join(', ')}) = ${rows.length} synthetic + ${total - rows.length} default lines Charter applied from policies/policy.csv`,
    );
    const lastDomain = rows[rows.length - 1]![2]!;
    const probeOn = await a.request<boolean>('probe', {
      subject: PROBE.subject,
      permission: `${PROBE.object}.${PROBE.action}`,
      domain: lastDomain,
    } satisfies ProbeRequest);
    const probeOff = await a.request<boolean>('probe', {
      subject: PROBE.subject,
      permission: `${PROBE.object}.${PROBE.action}`,
      domain: 'bu-000',
    } satisfies ProbeRequest);
    say(
      `policy loaded by app A: last inserted rule (${PROBE.subject}, ${lastDomain}, ${PROBE.object}, ${PROBE.action}) ${probeOn ? 'allows' : 'DOES NOT allow'}, and ${probeOff ? 'WRONGLY allows' : 'does not allow'} in bu-000`,
    );
    if (!probeOn || probeOff) throw new Error('app A does not enforce the loaded policy set');

    const body = JSON.stringify({ query: QUERY });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const respA = await graphql(a.url, QUERY, token);
    const respB = await graphql(b.url, QUERY, token);
    if (!respA.json.data?.['me']) throw new Error(`A: ${respA.text}`);
    if (respA.text !== respB.text) throw new Error(`A and B answer differently:\n  A ${respA.text}\n  B ${respB.text}`);
    const expected = respA.text;
    say(`response (identical from A and B, ${Buffer.byteLength(expected)} bytes): ${expected}`);
    const anonA = await graphql(a.url, QUERY);
    const anonB = await graphql(b.url, QUERY);
    say(
      `guard check without a token: A → ${anonA.json.errors?.[0]?.extensions?.code ?? `no error (${anonA.text})`}, B → ${anonB.json.data?.['me'] ? 'data.me (guard off)' : anonB.text}`,
    );

    // -------------------------------------------------------------------------------------------
    section(`latency: sequential requests, one keep-alive connection per app`);
    const target = (label: string, server: ServerProcess): Target => {
      const client = new KeepAliveClient(`${server.url}/graphql`, headers, body);
      clients.push(client);
      return { label, server, client, samples: [], failures: 0, newConnections: 0 };
    };
    const ta = target('A guard on', a);
    const tb = target('B guard off', b);
    await interleaved(ta, tb, settings.warmup, settings.block, expected, false);
    await interleaved(ta, tb, settings.requests, settings.block, expected, true);
    const la = summarise(ta.samples);
    const lb = summarise(tb.samples);
    const row = (label: string, s: LatencySummary) => [label, fixed(s.p50, 3), fixed(s.p90, 3), fixed(s.p99, 3), fixed(s.mean, 3)];
    say(
      table([
        ['ms', 'p50', 'p90', 'p99', 'mean'],
        row('A guard on', la),
        row('B guard off (baseline)', lb),
        ['overhead A − B', fixed(la.p50 - lb.p50, 3), fixed(la.p90 - lb.p90, 3), fixed(la.p99 - lb.p99, 3), fixed(la.mean - lb.mean, 3)],
        ['ratio A / B', `${fixed(la.p50 / lb.p50, 2)}×`, `${fixed(la.p90 / lb.p90, 2)}×`, `${fixed(la.p99 / lb.p99, 2)}×`, `${fixed(la.mean / lb.mean, 2)}×`],
      ]),
    );
    say(
      `samples: ${ta.samples.length} + ${tb.samples.length}; bad responses: A ${ta.failures}, B ${tb.failures}; connections opened: A ${ta.newConnections}, B ${tb.newConnections}` +
        ' (overhead = difference of the two percentiles, not a percentile of per-request differences)',
    );

    // -------------------------------------------------------------------------------------------
    section(`throughput: autocannon, ${settings.connections} connections, ${settings.durationS} s per run`);
    const loads: { label: string; results: LoadResult[] }[] = [
      { label: 'A guard on', results: [] },
      { label: 'B guard off (baseline)', results: [] },
    ];
    const urlOf = [a, b];
    for (let round = 0; round < settings.loadRounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const r = await runLoad({
          url: `${urlOf[i]!.url}/graphql`,
          headers,
          body,
          expectBody: expected,
          connections: settings.connections,
          seconds: settings.durationS,
        });
        loads[i]!.results.push(r);
        say(
          `  run: ${loads[i]!.label.padEnd(22)} ${fixed(r.reqPerSec, 0).padStart(6)} req/s  p50 ${r.latencyP50Ms} ms  p99 ${r.latencyP99Ms} ms  ` +
            `2xx ${r.total2xx}  non-2xx ${r.non2xx}  wrong body ${r.mismatches}  errors ${r.errors}  timeouts ${r.timeouts}`,
        );
      }
    }
    const tput = loads.map((l) => ({
      label: l.label,
      reqPerSec: median(l.results.map((r) => r.reqPerSec)),
      p99: median(l.results.map((r) => r.latencyP99Ms)),
      bad: l.results.reduce((s, r) => s + r.non2xx + r.mismatches + r.errors + r.timeouts, 0),
    }));
    say(
      table([
        ['', 'req/s', 'p99 ms', 'bad responses', 'ratio to baseline'],
        ...tput.map((t) => [t.label, fixed(t.reqPerSec, 0), String(t.p99), String(t.bad), `${fixed(t.reqPerSec / tput[1]!.reqPerSec, 2)}×`]),
      ]),
    );
    say(`(req/s counts only 2xx responses whose body equals the expected one; median over ${settings.loadRounds} run(s) per app)`);

    // -------------------------------------------------------------------------------------------
    section('memory after load (server processes: process.memoryUsage)');
    const memA = await a.request<MemoryFigures>('memory');
    const memB = await b.request<MemoryFigures>('memory');
    const memParent = memoryFigures();
    say(
      table([
        ['', 'rss', 'heap used', 'heap total', 'external'],
        ['A guard on', ...mem(memA)],
        ['B guard off', ...mem(memB)],
        ['load generator (this process)', ...mem(memParent)],
      ]),
    );

    // -------------------------------------------------------------------------------------------
    section(`inside the guard, app A (${total} rules): AuthenticationService.authenticate and AuthorizationService.check, called directly`);
    const authz = await a.request<AuthzBenchResult>('authz', {
      checks: settings.checks,
      newSubjects: settings.newSubjects,
      assigned: { subject: ASSIGNMENT.subject, domain: ASSIGNMENT.domain },
      authorization: `Bearer ${token}`,
      authentications: settings.authentications,
      freshTokens,
    } satisfies AuthzBenchRequest);
    const roles = principal.roles.map((r) => `${r.role}@${r.domain}`).join(', ');
    say(
      table([
        ['µs per call', 'n', 'mean', 'p50', 'p99'],
        ['authenticate: same token again (verified-token cache hit)', ...us(authz.authenticateCached)],
        ['authenticate: fresh token each call (RS256 verify + principal lookup)', ...us(authz.authenticateFresh)],
        ['  of which the signature check: TokenVerifier.verifyUncached (private)', ...us(authz.verifyUncached)],
        [`check: one role (${roles}), self.read, allowed`, ...us(authz.oneRole)],
        ['check: same principal, nothing.read, denied (no line matches)', ...us(authz.denied)],
        [`check: role only by persisted assignment (${ASSIGNMENT.role}@${authz.assigned.domain}), allowed`, ...us(authz.assigned)],
        [`check: ${authz.newSubjects.n} distinct new subjects, each once`, ...us(authz.newSubjects)],
        [`check: one role again, after the ${authz.newSubjects.n} new subjects`, ...us(authz.oneRoleAfter)],
        [`check: domain argument, ${authz.randomDomains.n} distinct unseen domains`, ...us(authz.randomDomains)],
      ]),
    );
    const ratio = (t: TimingUs) => `${fixed(t.p50Us / authz.oneRole.p50Us, 2)}× / ${fixed(t.meanUs / authz.oneRole.meanUs, 2)}×`;
    say(
      `p50 / mean relative to "one role": new subjects ${ratio(authz.newSubjects)}, one role after them ${ratio(authz.oneRoleAfter)}, ` +
        `unseen domains ${ratio(authz.randomDomains)}, denied ${ratio(authz.denied)}, persisted assignment ${ratio(authz.assigned)}`,
    );
    const kib = (v: number | undefined) => (v === undefined ? 'not measured (no forced GC)' : `${fixed(v, 0)} KiB`);
    say(
      `heap retained after a full GC: ${authz.newSubjects.n} new subjects ${kib(authz.newSubjects.retainedKiB)}, ` +
        `${authz.randomDomains.n} unseen domains ${kib(authz.randomDomains.retainedKiB)} (the snapshot keeps no per-subject or per-domain state)`,
    );
    say(
      `authentication: a fresh token costs ${fixed(authz.authenticateFresh.meanUs / authz.authenticateCached.meanUs, 0)}× a cached one (mean); ` +
        `rules (p and g) in the app's snapshot: ${authz.snapshotSize ?? 'unknown'}`,
    );

    // -------------------------------------------------------------------------------------------
    section('server logs');
    for (const [label, file] of [
      ['A', logA],
      ['B', logB],
    ] as const) {
      const c = await countErrorLogLines(file);
      say(`${label}: ${c.lines} log lines, ${c.errors} at error level or above${c.firstError ? ` (first: ${c.firstError})` : ''}`);
    }

    // -------------------------------------------------------------------------------------------
    section('verdict');
    const overhead = la.p99 - lb.p99;
    const latencyValid = ta.failures === 0 && tb.failures === 0;
    const guarded = tput[0]!;
    const tputValid = guarded.bad === 0;
    say(`policies loaded: ${total}`);
    say(`p99 latency: A ${fixed(la.p99, 3)} ms, B ${fixed(lb.p99, 3)} ms (p50: A ${fixed(la.p50, 3)} ms, B ${fixed(lb.p50, 3)} ms)`);
    say(
      `p99 overhead: ${fixed(overhead, 3)} ms (goal < ${GOAL_P99_OVERHEAD_MS} ms): ${!latencyValid ? 'INVALID (bad responses)' : overhead < GOAL_P99_OVERHEAD_MS ? 'met' : 'NOT met'}`,
    );
    say(
      `throughput: ${fixed(guarded.reqPerSec, 0)} req/s (goal ≥ ${GOAL_REQ_PER_SEC}): ${!tputValid ? 'INVALID (bad responses)' : guarded.reqPerSec >= GOAL_REQ_PER_SEC ? 'met' : 'NOT met'}` +
        ` (guard off: ${fixed(tput[1]!.reqPerSec, 0)} req/s, ratio ${fixed(guarded.reqPerSec / tput[1]!.reqPerSec, 2)}×)`,
    );
    say(`load average at end: ${loadAverage()}`);
    say(`total bench time: ${fixed((Date.now() - started) / 1000, 0)} s`);
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop().catch((e: unknown) => say(`! stopping ${s.label}: ${String(e)}`));
    await idp?.close().catch(() => undefined);
    await db?.drop().catch((e: unknown) => say(`! dropping ${db?.name}: ${String(e)}`));
    await pg?.stop().catch(() => undefined);
    await fs.rm(work, { recursive: true, force: true });
  }
}

runBenchmark('bench:authz', main);
