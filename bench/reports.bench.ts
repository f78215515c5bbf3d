/**
 * `npm run bench:reports`: time and peak memory to produce a model audit pack end to end — the
 * evidence gatherer's SQL against a real database, the PDF (ELK layout of the lineage included),
 * canonical JSON, hashing, signing and writing the files — for a model version with a 500-node
 * training lineage, 200 access grants and 1,000,000 prediction records in the period, against a
 * model version with none of that (the baseline) in the same run and the same database.
 *
 * The estate is written with SQL (generate_series) into the real tables, with the structure the
 * modules write: principals, lineage datasets/jobs/edges (a binary tree of 250 datasets, each
 * written by its own job that reads its two parents: 500 nodes upstream of the training dataset),
 * the model, version, approved card with two signed approvals, stage history, a bias report,
 * 200 access requests and grants, and 1,000,000 prediction records with their 2,000,000 request
 * and response halves (1 % without a response, latencies 20–116 ms, scores as outputs).
 * The halves' hashes are not real chain hashes (computing them is the ingest path's work), so the
 * chain verification in the pack reports the chain broken at its first row: the bench measures the
 * pack, not a full re-hash of two million rows (the predictions module's own cost).
 *
 * Each run is a fresh child process, so its peak RSS (`process.resourceUsage().maxRSS`) is its own
 * and the timings are cold, as for a report job. Settings: REPORTS_BENCH_RUNS (3),
 * REPORTS_BENCH_RECORDS (1000000), REPORTS_BENCH_GRANTS (200), DATABASE_URL (a superuser URL;
 * default: an embedded PostgreSQL). Goal of issue 8: under 5 s and under 300 MB. It reports; it
 * never fails on a missed goal.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import type { CharterConfig } from '../src/config/config';
import { TransactionHost } from '../src/database/transaction-host';
import { loadModelPolicies } from '../src/model-cards/model-policies';
import { PredictionChainRepository } from '../src/predictions/chain/prediction-chain.repository';
import { PredictionChainService } from '../src/predictions/chain/prediction-chain.service';
import { PredictionKeys } from '../src/predictions/settings/prediction-keys';
import { PredictionSettingsRepository } from '../src/predictions/settings/prediction-settings.repository';
import { DatasetEvidenceGatherer } from '../src/reports/evidence/dataset-evidence';
import { EvidenceRepository } from '../src/reports/evidence/evidence.repository';
import { ModelEvidenceGatherer } from '../src/reports/evidence/model-evidence';
import { ModelEvidenceRepository } from '../src/reports/evidence/model-evidence.repository';
import { buildPackFiles } from '../src/reports/pack/pack-files';
import { ReportStorage } from '../src/reports/report-storage';
import { createBenchDatabase, envInt, fixed, machineLine, median, runBenchmark, say, section, startDatabaseServer, table, type BenchDatabase } from './support';

interface ChildInput {
  url: string;
  model: string;
  version: string;
  from: string;
  to: string;
}

interface ChildResult {
  ms: number;
  gatherMs: number;
  maxRssMiB: number;
  pdfBytes: number;
  jsonBytes: number;
  pages: number;
  lineageNodes: number;
  grants: number;
  records: number;
}

const GOAL_MS = 5000;
const GOAL_MIB = 300;
const POLICIES = path.resolve(__dirname, '..', '..', 'policies');
const REPORT_ID = '00000000-0000-4000-8000-000000000008';

/** In the child: one pack, timed from the database to files on disk. */
async function child(input: ChildInput): Promise<void> {
  const dataSource = new DataSource({ type: 'postgres', url: input.url, extra: { max: 8 } });
  await dataSource.initialize();
  const { privateKey } = generateKeyPairSync('ed25519');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'charter-reports-bench-'));
  try {
    const tx = new TransactionHost(dataSource);
    const config = { predictions: { pairingTimeoutSeconds: 300 } } as CharterConfig;
    const evidence = new EvidenceRepository(tx);
    const models = new ModelEvidenceRepository(tx);
    const chain = new PredictionChainService(new PredictionChainRepository(tx), new PredictionKeys(new PredictionSettingsRepository(tx), config));
    const gatherer = new ModelEvidenceGatherer(models, evidence, new DatasetEvidenceGatherer(evidence), chain, loadModelPolicies(POLICIES), config);
    const started = performance.now();
    const version = (await models.modelVersion(input.model, input.version))!;
    const pack = await gatherer.gather(
      { reportId: REPORT_ID, version, period: { from: input.from, to: input.to }, generatedAt: new Date(), generatedBy: { id: 'bench', label: 'bench' } },
      async () => undefined,
    );
    const gatherMs = performance.now() - started;
    const files = await buildPackFiles(pack, { privateKey, keyId: 'bench' });
    await new ReportStorage(dir).write(REPORT_ID, files);
    const ms = performance.now() - started;
    const pages = (files.pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const result: ChildResult = {
      ms,
      gatherMs,
      maxRssMiB: process.resourceUsage().maxRSS / 1024,
      pdfBytes: files.pdf.length,
      jsonBytes: files.packJson.length,
      pages,
      lineageNodes: pack.lineage.available ? pack.lineage.data.nodes.length : 0,
      grants: pack.accessGrants.available ? pack.accessGrants.data.length : 0,
      records: pack.predictions.available ? pack.predictions.data.totalRecords : 0,
    };
    process.stdout.write(JSON.stringify(result));
  } finally {
    await dataSource.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function runChild(input: ChildInput): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [__filename, 'child', JSON.stringify(input)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

/** The estate, with SQL: see the header. `model` gets everything, `empty` only a registered version. */
async function seed(db: BenchDatabase, records: number, grants: number, from: Date, to: Date): Promise<void> {
  const span = to.getTime() - from.getTime() - 86_400_000;
  await db.query(`
    INSERT INTO principals (kind, issuer, subject, email, name)
    SELECT 'user', 'bench', 'u' || i, 'user' || i || '@bench.local', 'Bench User ' || i FROM generate_series(0, ${grants}) i;
    INSERT INTO lineage_datasets (namespace, name, domain, sensitivity)
    SELECT 'postgres://bench', 'd' || i, 'credit-risk', CASE WHEN i % 3 = 0 THEN 'confidential' ELSE 'internal' END FROM generate_series(0, 249) i;
    INSERT INTO lineage_jobs (namespace, name, domain) SELECT 'airflow://bench', 'j' || i, 'credit-risk' FROM generate_series(0, 249) i;
    INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen)
    SELECT j.id, d.id, 'output', now() - interval '90 days', now() FROM lineage_jobs j JOIN lineage_datasets d ON substr(d.name, 2) = substr(j.name, 2);
    INSERT INTO lineage_edges (job_id, dataset_id, direction, first_seen, last_seen)
    SELECT j.id, d.id, 'input', now() - interval '90 days', now() FROM lineage_jobs j
    JOIN lineage_datasets d ON substr(d.name, 2)::int IN (2 * substr(j.name, 2)::int + 1, 2 * substr(j.name, 2)::int + 2);
    INSERT INTO lineage_dataset_fields (dataset_id, name, type, tags)
    SELECT id, f, 'string', ARRAY['PII:' || upper(f)] FROM lineage_datasets, unnest(ARRAY['email', 'person']) f WHERE name = 'd0';
  `);
  await db.query(`
    WITH owner AS (SELECT id FROM principals WHERE subject = 'u0'),
    m AS (INSERT INTO models (name, domain, owner, risk_tier, created_by) SELECT n, 'credit-risk', owner.id, 'high', 'bench' FROM owner, unnest(ARRAY['bench-model', 'bench-empty']) n RETURNING id, name)
    INSERT INTO model_versions (model_id, version, artifact_uri, artifact_digest, registered_by, created_at, stage)
    SELECT id, '1', 's3://bench/' || name, 'sha256:' || repeat('0', 64), 'bench', now() - interval '60 days', 'production' FROM m;
    INSERT INTO model_version_datasets (model_version_id, dataset_id, role)
    SELECT v.id, d.id, 'training' FROM model_versions v JOIN models m ON m.id = v.model_id, lineage_datasets d WHERE m.name = 'bench-model' AND d.name IN ('d0', 'd1');
    INSERT INTO model_stage_history (model_version_id, from_stage, to_stage, changed_by, changed_at, reason)
    SELECT v.id, s.f, s.t, 'bench', now() - interval '60 days' + s.o * interval '1 day', 'bench' FROM model_versions v,
      (VALUES (NULL, 'development', 0), ('development', 'staging', 1), ('staging', 'production', 2)) s(f, t, o);
    INSERT INTO model_cards (model_version_id, status, current_revision) SELECT id, 'approved', 1 FROM model_versions;
    INSERT INTO model_card_revisions (card_id, revision, content, content_sha256, author, source, created_at)
    SELECT id, 1, '{"model_details": {"name": "bench", "overview": "A model for the benchmark."}}', repeat('a', 64), 'bench', 'registry', now() - interval '60 days' FROM model_cards;
    INSERT INTO model_card_reviews (card_id, revision, action, actor, comment, signature, key_id, signed_at, created_at)
    SELECT c.id, 1, 'approve', p.id::text, 'ok', repeat('s', 86), 'model-card-ed25519-1', now() - interval '59 days', now() - interval '59 days'
    FROM model_cards c, principals p WHERE p.subject IN ('u1', 'u2');
    INSERT INTO model_bias_reports (model_version_id, card_id, card_revision, source, protected_attribute, report, created_by, created_at)
    SELECT c.model_version_id, c.id, 1, 'group_results', 'age_band',
      '{"groups": [{"group": "18-25", "count": 500, "selectionRate": {"value": 0.35}, "belowMinimum": false},
                   {"group": "26-40", "count": 900, "selectionRate": {"value": 0.5}, "belowMinimum": false},
                   {"group": "60+", "count": 300, "selectionRate": {"value": 0.45}, "belowMinimum": false}]}', 'bench', now() - interval '10 days'
    FROM model_cards c;
  `);
  await db.query(
    `WITH r AS (
       INSERT INTO access_requests (requester_id, dataset_id, action, purpose, duration_days, status, decided_automatically, rule_id, facts, created_at, decided_at)
       SELECT p.id, d.id, 'read', 'model-training', 30, 'approved', true, 'approve-internal-read', '{}', $1::timestamptz + (i % 25) * interval '1 day', $1::timestamptz + (i % 25) * interval '1 day'
       FROM generate_series(1, $2::int) i JOIN principals p ON p.subject = 'u' || i, lineage_datasets d WHERE d.name = CASE WHEN i % 2 = 0 THEN 'd0' ELSE 'd1' END
       RETURNING id, requester_id, dataset_id, created_at)
     INSERT INTO access_grants (request_id, principal_id, dataset_id, action, granted_at, expires_at) SELECT id, requester_id, dataset_id, 'read', created_at, created_at + interval '30 days' FROM r`,
    [from, grants],
  );
  // Two halves per record: request seq 2i-1, response 2i; 1 % of records never got their response.
  await db.query(
    `INSERT INTO prediction_events (model_name, seq, received_at, kind, correlation_id, event_id, event_type, source, model_version, occurred_at,
       attributes, content_type, payload, subject_hash, sender, prev_hash, record_hash)
     SELECT 'bench-model', 2 * i - 1 + k, t + k * l, CASE k WHEN 0 THEN 'request' ELSE 'response' END, 'r' || i, 'e' || i || '-' || k,
            CASE k WHEN 0 THEN 'org.kubeflow.serving.inference.request' ELSE 'org.kubeflow.serving.inference.response' END, 'bench', '1', t + k * l,
            '{}', 'application/json',
            CASE k WHEN 0 THEN jsonb_build_object('instances', jsonb_build_array(jsonb_build_array(i % 850, (i % 100) / 100.0, i % 4)))
                   ELSE jsonb_build_object('predictions', jsonb_build_array(((i * 7919) % 1000) / 1000.0)) END,
            NULL, 'bench', md5((2 * i - 2 + k)::text), md5((2 * i - 1 + k)::text)
     FROM generate_series(1::bigint, $1::bigint) i
     CROSS JOIN LATERAL (SELECT $2::timestamptz + (i::float8 / $1) * $3::float8 * interval '1 millisecond' AS t, (20 + (i * 31) % 97) * interval '1 millisecond' AS l) x
     CROSS JOIN generate_series(0, 1) k
     WHERE k = 0 OR i % 100 <> 0`,
    [records, from, span],
  );
  await db.query(
    `INSERT INTO prediction_records (model_name, correlation_id, model_version, first_at, request_seq, request_at, response_seq, response_at, request_received_at, response_received_at)
     SELECT 'bench-model', 'r' || i, '1', t, 2 * i - 1, t, CASE WHEN i % 100 <> 0 THEN 2 * i END, CASE WHEN i % 100 <> 0 THEN t + l END, t, CASE WHEN i % 100 <> 0 THEN t + l END
     FROM generate_series(1::bigint, $1::bigint) i
     CROSS JOIN LATERAL (SELECT $2::timestamptz + (i::float8 / $1) * $3::float8 * interval '1 millisecond' AS t, (20 + (i * 31) % 97) * interval '1 millisecond' AS l) x`,
    [records, from, span],
  );
  await db.query('ANALYZE');
}

async function main(): Promise<void> {
  const runs = envInt('REPORTS_BENCH_RUNS', 3);
  const records = envInt('REPORTS_BENCH_RECORDS', 1_000_000);
  const grants = envInt('REPORTS_BENCH_GRANTS', 200);
  say(`bench:reports on ${machineLine()}`);
  const pg = await startDatabaseServer();
  let db: BenchDatabase | undefined;
  try {
    say(`database server: ${pg.description}`);
    db = await createBenchDatabase(pg.adminUrl);
    const to = new Date();
    to.setUTCHours(0, 0, 0, 0);
    to.setTime(to.getTime() + 86_400_000);
    const from = new Date(to.getTime() - 31 * 86_400_000);
    const t0 = performance.now();
    await seed(db, records, grants, from, to);
    const [size] = await db.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
    say(
      `seeded with SQL in ${fixed((performance.now() - t0) / 1000, 1)} s: 500 lineage nodes, ${grants} grants, ${records.toLocaleString('en-US')} records (${size!.size})`,
    );
    say(`${runs} cold run(s) per variant, each in its own process; median time, highest peak RSS.`);
    const results: { name: string; runs: ChildResult[] }[] = [];
    for (const [name, model] of [
      ['baseline: model version with no lineage, grants or predictions', 'bench-empty'],
      [`model pack: 500-node lineage, ${grants} grants, ${records.toLocaleString('en-US')} records`, 'bench-model'],
    ] as const) {
      const done: ChildResult[] = [];
      for (let i = 0; i < runs; i += 1) done.push(await runChild({ url: db.url, model, version: '1', from: from.toISOString(), to: to.toISOString() }));
      results.push({ name, runs: done });
    }
    section('model audit pack (database → gatherer → PDF + JSON + signed manifest on disk)');
    const base = results[0]!;
    const baseMs = median(base.runs.map((x) => x.ms));
    const baseRss = Math.max(...base.runs.map((x) => x.maxRssMiB));
    const rows = results.map((r) => {
      const ms = median(r.runs.map((x) => x.ms));
      const rss = Math.max(...r.runs.map((x) => x.maxRssMiB));
      const last = r.runs.at(-1)!;
      return [
        r.name,
        `${fixed(ms, 0)} ms`,
        `${fixed(median(r.runs.map((x) => x.gatherMs)), 0)} ms`,
        `${fixed(rss, 0)} MiB`,
        `${last.lineageNodes} / ${last.grants} / ${last.records.toLocaleString('en-US')}`,
        `${last.pages}`,
        `${fixed(last.pdfBytes / 1024, 0)} KiB`,
        `${fixed(ms / baseMs, 1)}×`,
        `${fixed(rss / baseRss, 2)}×`,
      ];
    });
    say(
      table([
        ['variant', 'time', 'of which gathering', 'peak RSS', 'nodes / grants / records', 'pages', 'pack.pdf', 'time vs baseline', 'RSS vs baseline'],
        ...rows,
      ]),
    );
    const big = results[1]!;
    const ms = median(big.runs.map((x) => x.ms));
    const rss = Math.max(...big.runs.map((x) => x.maxRssMiB));
    say();
    say(`goal (issue 8): < ${GOAL_MS} ms and < ${GOAL_MIB} MB — time ${ms < GOAL_MS ? 'met' : 'MISSED'}, memory ${rss < GOAL_MIB ? 'met' : 'MISSED'}`);
    say(`all runs (ms): ${results.map((r) => `${r.name.split(':')[0]}: ${r.runs.map((x) => fixed(x.ms, 0)).join(', ')}`).join('; ')}`);
  } finally {
    await db?.drop();
    await pg.stop();
  }
}

if (process.argv[2] === 'child') {
  child(JSON.parse(process.argv[3]!) as ChildInput).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
} else {
  runBenchmark('bench:reports', main);
}
