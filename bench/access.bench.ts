/**
 * `npm run bench:access`: dataset access requests decided by the default rules, and the decision API.
 *
 * 1. A population: users in six domains (data scientists, data owners, one risk officer per domain,
 *    roles scoped to their domain through policies/role-mapping.yaml groups), privacy-training
 *    attestations for most, a few open violations, and datasets of every sensitivity, some tagged
 *    PII:<TYPE> as a PII scan would.
 * 2. 10,000 requests through GraphQL over HTTP (real RS256 tokens from the test identity
 *    provider's key), BENCH_CONCURRENCY at a time: share decided automatically, latency p50/p99 of
 *    automatic decisions (request sent → response read, including the grant write and its audit).
 * 3. POST /api/v1/authz/check under BENCH_CONNECTIONS concurrent clients (autocannon), for an
 *    allowed and a denied (audited) answer, against GET /health/live in the same run as the baseline.
 *
 * Settings: DATABASE_URL, BENCH_REQUESTS (10000), BENCH_CONCURRENCY (8), BENCH_DATASETS (2000),
 * BENCH_SCIENTISTS (300), BENCH_DURATION (10 s), BENCH_CONNECTIONS (50), BENCH_SEED (7).
 */
import autocannon from 'autocannon';
import { SignJWT } from 'jose';
import { cpSync, promises as fs, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prng } from '../src/common/prng';
import { startTestIdentityProvider, type TestIdentityProvider } from '../test/support/identity-provider';
import {
  countErrorLogLines,
  createBenchDatabase,
  envInt,
  fixed,
  machineLine,
  percentile,
  runBenchmark,
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
} from './support';

const ROOT = path.resolve(__dirname, '..', '..');
// Charter as deployed, configured from the environment (the lineage bench's generic server process).
const SERVER_SCRIPT = path.join(__dirname, 'lineage', 'server.js');

const settings = {
  requests: envInt('BENCH_REQUESTS', 10_000),
  concurrency: envInt('BENCH_CONCURRENCY', 8),
  datasets: envInt('BENCH_DATASETS', 2000),
  scientists: envInt('BENCH_SCIENTISTS', 300),
  durationS: envInt('BENCH_DURATION', 10),
  connections: envInt('BENCH_CONNECTIONS', 50),
  seed: envInt('BENCH_SEED', 7),
};

const GOAL_AUTOMATIC = 0.9;
const GOAL_DECISION_P99_MS = 200;
const GOAL_CHECK_P99_MS = 5;

const DOMAINS = ['retail', 'finance', 'risk', 'marketing', 'health', 'hr'] as const;
const PII = ['PII:EMAIL_ADDRESS', 'PII:PERSON', 'PII:PHONE_NUMBER', 'PII:US_SSN', 'PII:IBAN_CODE', 'PII:DATE_OF_BIRTH'];

/** A weighted choice: [value, weight][] with weights summing to 1. */
function weighted<T>(rnd: () => number, options: readonly (readonly [T, number])[]): T {
  let x = rnd();
  for (const [value, w] of options) if ((x -= w) < 0) return value;
  return options.at(-1)![0];
}

// The mix, and why: most datasets in a warehouse are internal; restricted ones are few (health,
// HR, payment data). People mostly ask for data of their own domain, and ask for restricted data
// rarely because they know it needs sign-off. Masked reads are common for exploration; exports are
// the rare case. Purposes follow what data-science teams do most: analysis and model work.
const DATASET_SENSITIVITY = [
  ['public', 0.15],
  ['internal', 0.5],
  ['confidential', 0.28],
  ['restricted', 0.07],
] as const;
const REQUEST_SENSITIVITY = [
  ['public', 0.15],
  ['internal', 0.55],
  ['confidential', 0.26],
  ['restricted', 0.04],
] as const;
const ACTIONS = [
  ['READ', 0.6],
  ['READ_MASKED', 0.3],
  ['EXPORT', 0.1],
] as const;
const PURPOSES = [
  ['analytics', 0.35],
  ['model-training', 0.25],
  ['model-evaluation', 0.1],
  ['data-quality', 0.1],
  ['product-development', 0.15],
  ['regulatory-reporting', 0.03],
  ['incident-investigation', 0.02],
] as const;
const DURATIONS = [
  [7, 0.1],
  [30, 0.4],
  [90, 0.35],
  [180, 0.15],
] as const;
const OWN_DOMAIN_SHARE = 0.7;
const TRAINED_SHARE = 0.85;
const VIOLATION_SHARE = 0.02;

interface User {
  sub: string;
  email: string;
  domain: string;
  groups: string[];
  token?: string;
}

interface Dataset {
  id: string;
  domain: string;
  sensitivity: string;
}

async function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ data?: T; errors?: { message: string }[] }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string }[] };
}

async function main(): Promise<void> {
  let pg: DatabaseServer | undefined;
  let db: BenchDatabase | undefined;
  let idp: TestIdentityProvider | undefined;
  let server: ServerProcess | undefined;
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-bench-access-'));
  try {
    section('bench:access');
    say(machineLine());
    say(`settings: ${JSON.stringify(settings)}`);
    pg = await startDatabaseServer();
    db = await createBenchDatabase(pg.adminUrl);
    say(`database: ${db.name} on ${pg.description}`);
    idp = await startTestIdentityProvider();
    const rnd = prng(settings.seed);

    // ---------------------------------------------------------------------------------------------
    section('population');
    // Domain-scoped roles come from IdP groups, mapped in a copy of policies/ (the shipped rules and purposes unchanged).
    const policies = path.join(work, 'policies');
    cpSync(path.join(ROOT, 'policies'), policies, { recursive: true });
    const groups: Record<string, { role: string; domain: string }[]> = {};
    for (const d of DOMAINS) {
      groups[`${d}-data-scientists`] = [{ role: 'data_scientist', domain: d }];
      groups[`${d}-data-owners`] = [{ role: 'data_owner', domain: d }];
      groups[`${d}-risk-officers`] = [{ role: 'risk_officer', domain: d }];
    }
    writeFileSync(path.join(policies, 'role-mapping.yaml'), JSON.stringify({ defaultMapping: true, groups }));

    const users: User[] = [];
    const scientists: User[] = [];
    const ownersByDomain = new Map<string, User[]>();
    for (let i = 0; i < settings.scientists; i++) {
      const domain = DOMAINS[i % DOMAINS.length]!;
      const u = { sub: `ds-${i}`, email: `ds${i}@bench.local`, domain, groups: [`${domain}-data-scientists`] };
      users.push(u);
      scientists.push(u);
    }
    for (const d of DOMAINS) {
      const owners = Array.from({ length: 5 }, (_, i) => ({
        sub: `owner-${d}-${i}`,
        email: `owner.${d}.${i}@bench.local`,
        domain: d,
        groups: [`${d}-data-owners`],
      }));
      ownersByDomain.set(d, owners);
      users.push(...owners, { sub: `risk-${d}`, email: `risk.${d}@bench.local`, domain: d, groups: [`${d}-risk-officers`] });
    }
    // Principals exist as after a first sign-in, so compliance's attestations can name them.
    const principalRows = await db.query<{ id: string; subject: string }>(
      `INSERT INTO principals (kind, issuer, subject, email, name, idp_groups)
       SELECT 'user', $1, s, e, e, ARRAY[g] FROM unnest($2::text[], $3::text[], $4::text[]) AS t(s, e, g) RETURNING id, subject`,
      [idp.issuer, users.map((u) => u.sub), users.map((u) => u.email), users.map((u) => u.groups[0]!)],
    );
    const idBySub = new Map(principalRows.map((r) => [r.subject, r.id]));
    const trained = scientists.filter(() => rnd() < TRAINED_SHARE);
    const violators = scientists.filter(() => rnd() < VIOLATION_SHARE);
    const recorder = idBySub.get(users.at(-1)!.sub)!;
    await db.query(
      `INSERT INTO access_attestations (principal_id, kind, expires_at, recorded_by)
       SELECT p, 'privacy-training', now() + interval '300 days', $2 FROM unnest($1::uuid[]) AS p`,
      [trained.map((u) => idBySub.get(u.sub)), recorder],
    );
    await db.query(`INSERT INTO access_violations (principal_id, description, opened_by) SELECT p, 'bench: open violation', $2 FROM unnest($1::uuid[]) AS p`, [
      violators.map((u) => idBySub.get(u.sub)),
      recorder,
    ]);

    const spec = Array.from({ length: settings.datasets }, (_, i) => {
      const domain = DOMAINS[i % DOMAINS.length]!;
      const sensitivity = weighted(rnd, DATASET_SENSITIVITY);
      const piiShare = { public: 0, internal: 0.2, confidential: 0.5, restricted: 1 }[sensitivity];
      const tags = rnd() < piiShare ? [PII[Math.floor(rnd() * PII.length)]!] : [];
      const owners = ownersByDomain.get(domain)!;
      const owner = rnd() < 0.9 ? owners[Math.floor(rnd() * owners.length)]!.email : null;
      return { name: `${domain}.table_${i}`, domain, sensitivity, owner, tags: `{${tags.join(',')}}` };
    });
    const datasetRows = await db.query<Dataset>(
      `INSERT INTO lineage_datasets (namespace, name, domain, owner, sensitivity, tags)
       SELECT 'postgres://warehouse', n, d, o, s, t::text[] FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(n, d, o, s, t)
       RETURNING id, domain, sensitivity`,
      [spec.map((s) => s.name), spec.map((s) => s.domain), spec.map((s) => s.owner), spec.map((s) => s.sensitivity), spec.map((s) => s.tags)],
    );
    const pool = new Map<string, Dataset[]>();
    for (const d of datasetRows) {
      const key = `${d.domain}/${d.sensitivity}`;
      pool.set(key, [...(pool.get(key) ?? []), d]);
    }
    const counts = (xs: string[]) => Object.entries(xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {}));
    say(
      `${users.length} people in ${DOMAINS.length} domains: ${scientists.length} data scientists (${trained.length} with privacy training, ${violators.length} with an open violation), ` +
        `${DOMAINS.length * 5} data owners, ${DOMAINS.length} risk officers; roles scoped to their domain`,
    );
    say(
      `${datasetRows.length} datasets: ${counts(datasetRows.map((d) => d.sensitivity))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${spec.filter((s) => s.tags !== '{}').length} tagged PII:<TYPE>`,
    );

    // ---------------------------------------------------------------------------------------------
    section('server');
    const logFile = path.join(work, 'server.log');
    server = await startServerProcess(
      'charter',
      SERVER_SCRIPT,
      [],
      {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        OIDC_ISSUER_URL: idp.issuer,
        LOG_LEVEL: 'warn',
        CHARTER_DATA_DIR: path.join(work, 'data'),
        POLICIES_DIR: policies,
        PORT: '4000',
      },
      logFile,
    );
    say(`server: ${server.url} (pid ${server.pid}), NODE_ENV=production, default access rules (policies/access-rules)`);
    const { key, kid } = await idp.signingKey();
    const issuer = idp.issuer;
    const now = Math.floor(Date.now() / 1000);
    for (const u of users) {
      u.token = await new SignJWT({ sub: u.sub, email: u.email, name: u.email, groups: u.groups })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience('charter')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key);
    }

    // ---------------------------------------------------------------------------------------------
    section(`${settings.requests} access requests (GraphQL over HTTP, ${settings.concurrency} at a time)`);
    say(
      `mix: requested sensitivity ${REQUEST_SENSITIVITY.map(([k, w]) => `${k} ${Math.round(w * 100)}%`).join(', ')}; ${OWN_DOMAIN_SHARE * 100}% in the requester's own domain; ` +
        `actions ${ACTIONS.map(([k, w]) => `${k} ${Math.round(w * 100)}%`).join(', ')}; purposes ${PURPOSES.map(([k, w]) => `${k} ${Math.round(w * 100)}%`).join(', ')}; ` +
        `durations ${DURATIONS.map(([k, w]) => `${k} d ${Math.round(w * 100)}%`).join(', ')}`,
    );
    const MUTATION = `mutation($input: RequestDatasetAccessInput!) { requestDatasetAccess(input: $input) { request { status ruleId decidedAutomatically } grant { id } } }`;
    const plan = Array.from({ length: settings.requests }, () => {
      const user = scientists[Math.floor(rnd() * scientists.length)]!;
      const domain = rnd() < OWN_DOMAIN_SHARE ? user.domain : DOMAINS[Math.floor(rnd() * DOMAINS.length)]!;
      const candidates = pool.get(`${domain}/${weighted(rnd, REQUEST_SENSITIVITY)}`) ?? [];
      const dataset = candidates[Math.floor(rnd() * candidates.length)] ?? datasetRows[Math.floor(rnd() * datasetRows.length)]!;
      return {
        user,
        input: {
          datasetId: dataset.id,
          action: weighted(rnd, ACTIONS),
          purpose: weighted(rnd, PURPOSES),
          durationDays: weighted(rnd, DURATIONS),
          justification: 'bench',
        },
      };
    });
    const results: { ms: number; status: string; rule: string; automatic: boolean }[] = [];
    let failures = 0;
    let firstFailure: string | undefined;
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: settings.concurrency }, async () => {
        while (next < plan.length) {
          const { user, input } = plan[next++]!;
          const start = process.hrtime.bigint();
          const res = await graphql<{ requestDatasetAccess: { request: { status: string; ruleId: string | null; decidedAutomatically: boolean } } }>(
            server!.url,
            user.token!,
            MUTATION,
            { input },
          );
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          const r = res.data?.requestDatasetAccess.request;
          if (!r) {
            failures++;
            firstFailure ??= JSON.stringify(res.errors);
            continue;
          }
          results.push({ ms, status: r.status, rule: r.ruleId ?? '(none)', automatic: r.decidedAutomatically });
        }
      }),
    );
    const seconds = (Date.now() - t0) / 1000;
    const automatic = results.filter((r) => r.automatic);
    const autoMs = automatic.map((r) => r.ms).sort((a, b) => a - b);
    const allMs = results.map((r) => r.ms).sort((a, b) => a - b);
    const share = automatic.length / results.length;
    say(
      `${results.length} decided in ${fixed(seconds, 1)} s (${fixed(results.length / seconds, 0)} requests/s); ${failures} failed${firstFailure ? ` (first: ${firstFailure})` : ''}`,
    );
    say(
      table([
        ['outcome', 'requests', 'share'],
        ...counts(results.map((r) => r.status)).map(([k, v]) => [k, String(v), `${fixed((100 * v) / results.length, 1)}%`]),
      ]),
    );
    say(
      table([
        ['rule', 'requests'],
        ...counts(results.map((r) => r.rule))
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => [k, String(v)]),
      ]),
    );
    say(
      table([
        ['latency (ms)', 'n', 'p50', 'p90', 'p99', 'max'],
        [
          'automatic decisions',
          String(autoMs.length),
          fixed(percentile(autoMs, 50), 1),
          fixed(percentile(autoMs, 90), 1),
          fixed(percentile(autoMs, 99), 1),
          fixed(autoMs.at(-1)!, 1),
        ],
        [
          'all requests',
          String(allMs.length),
          fixed(percentile(allMs, 50), 1),
          fixed(percentile(allMs, 90), 1),
          fixed(percentile(allMs, 99), 1),
          fixed(allMs.at(-1)!, 1),
        ],
      ]),
    );

    // ---------------------------------------------------------------------------------------------
    section(`decision API: POST /api/v1/authz/check, ${settings.connections} concurrent clients, ${settings.durationS} s each`);
    const admin = await new SignJWT({ sub: 'bench-admin', email: 'admin@bench.local', groups: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience('charter')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(key);
    const created = await graphql<{ createApiKey: { secret: string } }>(
      server.url,
      admin,
      'mutation { createApiKey(input: { name: "warehouse", roles: ["service"] }) { secret } }',
    );
    const apiKey = created.data!.createApiKey.secret;
    const [granted] = await db.query<{ principal_id: string; dataset_id: string; action: string }>(
      `SELECT principal_id, dataset_id, action FROM access_grants WHERE action = 'read' AND ended_at IS NULL LIMIT 1`,
    );
    const [liveGrants] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM access_grants WHERE ended_at IS NULL`);
    say(`${liveGrants!.n} live grants in the index`);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` };
    const allowBody = JSON.stringify({ subject: granted!.principal_id, dataset: granted!.dataset_id, action: 'read' });
    const denyBody = JSON.stringify({ subject: granted!.principal_id, dataset: granted!.dataset_id, action: 'export' });
    const once = await fetch(`${server.url}/api/v1/authz/check`, { method: 'POST', headers, body: allowBody });
    say(`allowed answer: ${await once.text()}`);
    const health = await autocannon({ url: `${server.url}/health/live`, connections: settings.connections, duration: settings.durationS });
    const allowed = await runLoad({
      url: `${server.url}/api/v1/authz/check`,
      headers,
      body: allowBody,
      connections: settings.connections,
      seconds: settings.durationS,
    });
    const denied = await runLoad({
      url: `${server.url}/api/v1/authz/check`,
      headers,
      body: denyBody,
      connections: settings.connections,
      seconds: settings.durationS,
    });
    // With 50 clients on two cores the figures are mostly queueing; a few clients show the service time.
    const fewHealth = await autocannon({ url: `${server.url}/health/live`, connections: 4, duration: settings.durationS });
    const fewAllowed = await runLoad({ url: `${server.url}/api/v1/authz/check`, headers, body: allowBody, connections: 4, seconds: settings.durationS });
    const fewDenied = await runLoad({ url: `${server.url}/api/v1/authz/check`, headers, body: denyBody, connections: 4, seconds: settings.durationS });
    // The denials are written behind the answers (group commit): wait for the last batch.
    await new Promise((r) => setTimeout(r, 1000));
    const [denials] = await db.query<{ n: number; answers: number }>(
      `SELECT count(*)::int AS n, coalesce(sum((details->>'count')::int), 0)::int AS answers FROM governance_audit_events WHERE action = 'access.check'`,
    );
    const row = (label: string, r: LoadResult) => [
      label,
      fixed(r.reqPerSec, 0),
      fixed(r.latencyP50Ms, 2),
      fixed(r.latencyP99Ms, 2),
      String(r.non2xx + r.errors + r.timeouts),
    ];
    say(
      table([
        ['endpoint', 'req/s', 'p50 ms', 'p99 ms', 'failed'],
        [
          'GET /health/live (baseline)',
          fixed(health.requests.average, 0),
          fixed(health.latency.p50, 2),
          fixed(health.latency.p99, 2),
          String(health.non2xx + health.errors),
        ],
        row('check → allowed', allowed),
        row('check → denied (audited)', denied),
        [
          '4 clients: GET /health/live',
          fixed(fewHealth.requests.average, 0),
          fixed(fewHealth.latency.p50, 2),
          fixed(fewHealth.latency.p99, 2),
          String(fewHealth.non2xx + fewHealth.errors),
        ],
        row('4 clients: check → allowed', fewAllowed),
        row('4 clients: check → denied', fewDenied),
      ]),
    );
    say(
      `ratio to baseline: allowed p99 ${fixed(allowed.latencyP99Ms / Math.max(health.latency.p99, 0.001), 2)}×, req/s ${fixed(allowed.reqPerSec / health.requests.average, 2)}×; ` +
        `denied p99 ${fixed(denied.latencyP99Ms / Math.max(health.latency.p99, 0.001), 2)}×`,
    );
    say(
      `${denied.total2xx + fewDenied.total2xx} denied answers (both runs) → ${denials!.n} governance audit rows covering ${denials!.answers} denials ` +
        `(identical denials in one 50 ms window share a row, with their count)`,
    );

    // ---------------------------------------------------------------------------------------------
    section('server log');
    const log = await countErrorLogLines(logFile);
    say(`${log.lines} log lines, ${log.errors} at error level or above${log.firstError ? ` (first: ${log.firstError})` : ''}`);

    section('verdict');
    say(`decided automatically: ${fixed(share * 100, 1)}% (goal ≥ ${GOAL_AUTOMATIC * 100}%): ${share >= GOAL_AUTOMATIC ? 'met' : 'NOT met'}`);
    const p99 = percentile(autoMs, 99);
    say(`automatic decision p99: ${fixed(p99, 1)} ms (goal < ${GOAL_DECISION_P99_MS} ms): ${p99 < GOAL_DECISION_P99_MS ? 'met' : 'NOT met'}`);
    for (const [label, a, d] of [
      [`${settings.connections} clients`, allowed, denied],
      ['4 clients', fewAllowed, fewDenied],
    ] as const) {
      const checkP99 = Math.max(a.latencyP99Ms, d.latencyP99Ms);
      say(
        `decision API p99, ${label} (worse of allowed/denied): ${fixed(checkP99, 2)} ms (goal < ${GOAL_CHECK_P99_MS} ms): ${checkP99 < GOAL_CHECK_P99_MS ? 'met' : 'NOT met'}`,
      );
    }
  } finally {
    await server?.stop();
    await idp?.close();
    await db?.drop();
    await pg?.stop();
    await fs.rm(work, { recursive: true, force: true });
  }
}

runBenchmark('bench:access', main);
