import { createHash, randomUUID } from 'node:crypto';
import { prng } from '../common/prng';

/**
 * The demo estate (`npm run demo`): fills a running Charter through its public APIs only — the
 * OpenLineage and CloudEvents ingest endpoints, PII scan uploads, the decision API and GraphQL —
 * with a small credit-risk estate, then generates a model audit pack and a dataset access pack.
 * Nothing here touches the database: what the demo can do, any client can.
 */

export interface DemoOptions {
  /** Charter's base URL, e.g. http://localhost:4000 */
  url: string;
  /** An access token for a demo user of the development identity provider (admin, risk, risk2, ciso, compliance, ds, owner, ingest, mowner). */
  token: (user: string) => Promise<string>;
  log: (line: string) => void;
  /** Prediction pairs per model version (default 240). */
  predictions?: number;
}

export interface DemoResult {
  model: string;
  versions: { version: string; id: string }[];
  datasets: { raw: string; curated: string; features: string };
  reports: { kind: 'MODEL' | 'DATASET'; target: string; id: string; packHash: string; pdfUrl: string }[];
  /** True when the estate was already there and only fresh packs were generated. */
  reused: boolean;
}

export const DEMO_DOMAIN = 'credit-risk';
export const DEMO_MODEL = 'credit-default';
export const DEMO_NAMESPACE = 'postgres://warehouse.demo:5432';
const SOURCES_NS = 's3://demo-landing';
const JOB_NS = 'airflow://credit-pipelines';
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/airflow';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const FIRST = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Eleni', 'François', 'Giulia', 'Håkon', 'Ivana', 'José', 'Katarzyna', 'Léa', 'Mikkel', 'Nuño', 'Oğuz', 'Zoë'];
const LAST = ['García', 'Müller', 'Dubois', 'Kowalski', 'Nørgaard', 'Papadopoulos', 'Rossi', 'Øvergaard', 'Silva', 'Yılmaz', 'Novák', 'Schäfer'];

interface DemoDataset {
  ns: string;
  name: string;
  fields: string[];
  /** Output columns and the input columns each is computed from. */
  columns?: Record<string, ColumnSource[]>;
}

interface ColumnSource {
  from: DemoDataset;
  field: string;
  subtype: 'IDENTITY' | 'TRANSFORMATION';
  masking?: boolean;
}

class DemoClient {
  constructor(private readonly o: DemoOptions) {}

  async graphql<T>(user: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.o.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.o.token(user)}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
    if (body.errors?.length) throw new DemoError(body.errors[0]!.message, body.errors[0]!.extensions?.code);
    return body.data!;
  }

  async rest(user: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const res = await fetch(`${this.o.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await this.o.token(user)}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    if (res.status >= 400) throw new DemoError(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`, String(res.status));
    return { status: res.status, json };
  }
}

export class DemoError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const c = new DemoClient(o);
  const log = o.log;
  const datasets = { raw: 'credit.applications_raw', curated: 'credit.applications_curated', features: 'credit.features' };
  const node = (name: string) => `dataset:${DEMO_NAMESPACE}:${name}`;

  // Every demo user signs in once, so owners and approvers exist as principals.
  for (const user of ['admin', 'risk', 'risk2', 'ciso', 'compliance', 'ds', 'owner', 'ingest', 'mowner']) await c.rest(user, 'GET', '/api/v1/me');

  const existing = await c
    .graphql<{ model: { versions: { id: string; version: string }[] } }>('admin', 'query($n: String!) { model(name: $n) { versions { id version } } }', {
      n: DEMO_MODEL,
    })
    .catch((e: unknown) => {
      if (e instanceof DemoError && e.code === 'NOT_FOUND') return null;
      throw e;
    });
  let versions: { id: string; version: string }[];
  if (existing) {
    log(
      `The demo estate is already there (model ${DEMO_MODEL} exists with versions ${existing.model.versions.map((v) => v.version).join(', ')}); generating fresh packs only.`,
    );
    versions = existing.model.versions;
  } else {
    await lineage(c, log, datasets);
    await scans(c, log, datasets);
    await catalog(c, log, datasets);
    versions = await models(c, log, node(datasets.curated), node(datasets.features));
    await access(c, log, datasets);
    await traffic(c, log, versions, o.predictions ?? 240);
  }
  const v2 = versions.find((v) => v.version === '2.0') ?? versions.at(-1)!;
  const from = new Date(Date.now() - 30 * 86_400_000);
  from.setUTCHours(0, 0, 0, 0);
  const to = new Date(Date.now() + 86_400_000);
  to.setUTCHours(0, 0, 0, 0);
  const reports = [];
  for (const [kind, target] of [
    ['MODEL', `model:${DEMO_MODEL}:${v2.version}`],
    ['DATASET', node(datasets.curated)],
  ] as const) {
    reports.push(await report(c, log, kind, target, from, to, o.url));
  }
  log('');
  log('Done. Look at:');
  for (const r of reports)
    log(`  ${r.kind === 'MODEL' ? 'model audit pack  ' : 'dataset access pack'} ${o.url}${r.pdfUrl}  (pack hash ${r.packHash.slice(0, 16)}…)`);
  log(`  GraphQL: ${o.url}/graphql — try { model(name: "${DEMO_MODEL}") { riskTier versions { version stage cardStatus } } }`);
  log(
    '  Download with a token: curl -H "Authorization: Bearer $(npm run -s token -- compliance)" -o pack.pdf <url>; check it: npx charter verify-report pack.pdf',
  );
  return { model: DEMO_MODEL, versions, datasets, reports, reused: existing !== null };
}

async function lineage(c: DemoClient, log: DemoOptions['log'], d: DemoResult['datasets']): Promise<void> {
  const schema = (...fields: string[]) => ({
    schema: {
      _producer: PRODUCER,
      _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json',
      fields: fields.map((f) => ({
        name: f,
        type: f.endsWith('_at') || f === 'birth_date' ? 'date' : f.startsWith('amount') || f.endsWith('score') ? 'double' : 'string',
      })),
    },
  });
  // Inputs carry the same schema as the outputs that wrote them: a dataset's fields are its latest schema facet.
  const crm = {
    ns: SOURCES_NS,
    name: 'crm/applications.csv',
    fields: ['applicant_id', 'full_name', 'email', 'phone', 'birth_date', 'iban', 'city', 'amount_requested'],
  };
  const bureau = { ns: SOURCES_NS, name: 'bureau/credit_reports.json', fields: ['applicant_id', 'bureau_score', 'defaults_count'] };
  const same = (from: DemoDataset, ...fields: string[]): Record<string, ColumnSource[]> =>
    Object.fromEntries(fields.map((f) => [f, [{ from, field: f, subtype: 'IDENTITY' }]]));
  const raw: DemoDataset = {
    ns: DEMO_NAMESPACE,
    name: d.raw,
    fields: ['applicant_id', 'full_name', 'email', 'phone', 'birth_date', 'iban', 'city', 'amount_requested', 'bureau_score', 'defaults_count'],
    columns: { ...same(crm, ...crm.fields), ...same(bureau, 'bureau_score', 'defaults_count') },
  };
  const curated: DemoDataset = {
    ns: DEMO_NAMESPACE,
    name: d.curated,
    fields: ['applicant_id', 'full_name', 'email', 'age_band', 'city', 'amount_requested', 'bureau_score', 'defaulted'],
    columns: {
      ...same(raw, 'applicant_id', 'full_name', 'email', 'city', 'amount_requested', 'bureau_score'),
      age_band: [{ from: raw, field: 'birth_date', subtype: 'TRANSFORMATION' }],
      defaulted: [{ from: raw, field: 'defaults_count', subtype: 'TRANSFORMATION' }],
    },
  };
  const features: DemoDataset = {
    ns: DEMO_NAMESPACE,
    name: d.features,
    fields: ['applicant_key', 'age_band', 'debt_ratio', 'bureau_score', 'label'],
    columns: {
      ...same(curated, 'age_band', 'bureau_score'),
      applicant_key: [{ from: curated, field: 'applicant_id', subtype: 'TRANSFORMATION', masking: true }],
      debt_ratio: [
        { from: curated, field: 'amount_requested', subtype: 'TRANSFORMATION' },
        { from: curated, field: 'bureau_score', subtype: 'TRANSFORMATION' },
      ],
      label: [{ from: curated, field: 'defaulted', subtype: 'IDENTITY' }],
    },
  };
  const pipelines: { job: string; inputs: DemoDataset[]; outputs: DemoDataset[] }[] = [
    { job: 'ingest_applications', inputs: [crm, bureau], outputs: [raw] },
    { job: 'curate_applications', inputs: [raw], outputs: [curated] },
    { job: 'build_features', inputs: [curated], outputs: [features] },
  ];
  // Column-level lineage as Airflow's SQL parser reports it (ColumnLineageDatasetFacet 1-2-0).
  const columnLineage = (columns: Record<string, ColumnSource[]>) => ({
    columnLineage: {
      _producer: PRODUCER,
      _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json',
      fields: Object.fromEntries(
        Object.entries(columns).map(([out, sources]) => [
          out,
          {
            inputFields: sources.map((c) => ({
              namespace: c.from.ns,
              name: c.from.name,
              field: c.field,
              transformations: [{ type: 'DIRECT', subtype: c.subtype, masking: c.masking ?? false }],
            })),
          },
        ]),
      ),
    },
  });
  let events = 0;
  for (const [i, p] of pipelines.entries()) {
    const runId = randomUUID();
    const time = (offset: number) => new Date(Date.now() - (3 - i) * 3_600_000 + offset).toISOString();
    for (const [eventType, offset] of [
      ['START', 0],
      ['COMPLETE', 120_000],
    ] as const) {
      const io = (x: DemoDataset, output: boolean) => ({
        namespace: x.ns,
        name: x.name,
        facets: { ...schema(...x.fields), ...(output && x.columns ? columnLineage(x.columns) : {}) },
      });
      await c.rest(
        'ingest',
        'POST',
        '/api/v1/lineage',
        JSON.stringify({
          eventType,
          eventTime: time(offset),
          producer: PRODUCER,
          schemaURL: SCHEMA_URL,
          run: { runId, facets: {} },
          job: { namespace: JOB_NS, name: p.job, facets: {} },
          inputs: p.inputs.map((x) => io(x, false)),
          outputs: p.outputs.map((x) => io(x, true)),
        }),
      );
      events += 1;
    }
  }
  log(`Lineage: ${events} OpenLineage events from ${pipelines.length} Airflow pipelines (${pipelines.map((p) => p.job).join(' → ')})`);
}

export function applicantsCsv(rows: number, seed: number, curated: boolean): string {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const lines = [
    curated
      ? 'applicant_id,full_name,email,age_band,city,amount_requested,bureau_score,defaulted'
      : 'applicant_id,full_name,email,phone,birth_date,iban,city,amount_requested',
  ];
  for (let i = 0; i < rows; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email =
      `${first}.${last}`
        .normalize('NFD')
        .replace(/[^A-Za-z.]/g, '')
        .toLowerCase() + `${i}@example.com`;
    const city = pick(['Lisboa', 'München', 'Lyon', 'Kraków', 'Aarhus', 'Αθήνα', 'Milano', 'Bergen']);
    const amount = Math.round(1000 + r() * 49000);
    if (curated) {
      lines.push(
        [
          `A${100000 + i}`,
          `${first} ${last}`,
          email,
          pick(['18-25', '26-40', '41-60', '60+']),
          city,
          amount,
          Math.round(300 + r() * 550),
          r() < 0.12 ? 1 : 0,
        ].join(','),
      );
    } else {
      const phone = `+44 20 7946 ${String(Math.floor(r() * 10000)).padStart(4, '0')}`;
      const born = `19${50 + Math.floor(r() * 50)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`;
      lines.push([`A${100000 + i}`, `${first} ${last}`, email, phone, born, 'GB82WEST12345698765432', city, amount].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

async function scans(c: DemoClient, log: DemoOptions['log'], d: DemoResult['datasets']): Promise<void> {
  for (const [name, csv] of [
    [d.raw, applicantsCsv(300, 11, false)],
    [d.curated, applicantsCsv(300, 12, true)],
  ] as const) {
    const path = `/api/v1/datasets/${encodeURIComponent(DEMO_NAMESPACE)}/${encodeURIComponent(name)}/scans`;
    const { scanId } = (await c.rest('ingest', 'POST', path, csv, { 'content-type': 'text/csv' })).json as { scanId: string };
    let scan: { status: string; sensitivity?: string } = { status: 'queued' };
    for (let i = 0; i < 300 && !['succeeded', 'failed'].includes(scan.status); i++) {
      await sleep(200);
      scan = (await c.rest('ingest', 'GET', `${path}/${scanId}`)).json as typeof scan;
    }
    log(
      `PII scan of ${name}: ${scan.status}, sensitivity ${scan.sensitivity ?? '?'} (${csv.split('\n').length - 2} generated rows with names, e-mails, phones, IBANs)`,
    );
  }
}

async function catalog(c: DemoClient, log: DemoOptions['log'], d: DemoResult['datasets']): Promise<void> {
  for (const name of [d.raw, d.curated, d.features]) {
    await c.graphql('admin', 'mutation($i: SetDomainInput!) { setDatasetDomain(input: $i) { name } }', {
      i: { namespace: DEMO_NAMESPACE, name, domain: DEMO_DOMAIN },
    });
    await c.graphql('admin', 'mutation($i: SetOwnerInput!) { setDatasetOwner(input: $i) { name } }', {
      i: { namespace: DEMO_NAMESPACE, name, owner: 'owner@charter.local' },
    });
  }
  log(`Catalog: ${[d.raw, d.curated, d.features].join(', ')} in domain ${DEMO_DOMAIN}, owned by owner@charter.local`);
}

const MODEL_FIELDS = 'id version cardRevision cardStatus';

async function models(c: DemoClient, log: DemoOptions['log'], curated: string, features: string): Promise<{ id: string; version: string }[]> {
  await c.graphql('mowner', 'mutation($i: CreateModelInput!) { createModel(input: $i) { id } }', {
    i: {
      name: DEMO_MODEL,
      domain: DEMO_DOMAIN,
      riskTier: 'HIGH',
      description: 'Probability of default for consumer credit applications (EU AI Act Annex III: creditworthiness).',
    },
  });
  const versions: { id: string; version: string }[] = [];
  for (const version of ['1.0', '2.0']) {
    const { registerModelVersion: v } = await c.graphql<{ registerModelVersion: { id: string; version: string; cardRevision: number } }>(
      'mowner',
      `mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { ${MODEL_FIELDS} } }`,
      {
        i: {
          modelName: DEMO_MODEL,
          version,
          artifactUri: `s3://models/credit-default/${version}/model.joblib`,
          artifactDigest: `sha256:${createHash('sha256').update(`credit-default ${version}`).digest('hex')}`,
          framework: 'scikit-learn 1.5',
          datasets: [
            { nodeId: features, role: 'TRAINING' },
            { nodeId: curated, role: version === '2.0' ? 'TRAINING' : 'EVALUATION' },
          ],
        },
      },
    );
    versions.push(v);
    // Bias reports: per-group confusion counts from the validation run; 2.0 fixes most of 1.0's gap.
    const groups =
      version === '1.0'
        ? [g('18-25', 60, 40, 30, 70), g('26-40', 150, 30, 40, 180), g('41-60', 140, 25, 35, 150), g('60+', 40, 15, 20, 75)]
        : [g('18-25', 85, 30, 25, 60), g('26-40', 150, 30, 40, 180), g('41-60', 140, 25, 35, 150), g('60+', 70, 15, 20, 50)];
    // Gender first, age band last: the latest report is what the promotion gate reads.
    await c.graphql('mowner', 'mutation($i: ComputeBiasReportInput!) { computeBiasReport(input: $i) { id } }', {
      i: { modelVersionId: v.id, protectedAttribute: 'gender', groupResults: [g('female', 200, 40, 50, 210), g('male', 210, 45, 48, 200)] },
    });
    await c.graphql('mowner', 'mutation($i: ComputeBiasReportInput!) { computeBiasReport(input: $i) { id } }', {
      i: { modelVersionId: v.id, protectedAttribute: 'age_band', groupResults: groups },
    });
    await c.graphql('mowner', 'mutation($i: ReviewInput!) { submitModelCardForReview(input: $i) { status } }', {
      i: { modelVersionId: v.id, comment: `Version ${version} ready for model risk review.` },
    });
    if (version === '2.0') {
      for (const [user, comment] of [
        ['risk', 'Validation report reviewed. The 26-40 age band sits just under four-fifths (0.78): approved with monthly monitoring.'],
        ['risk2', 'Second line sign-off: conceptual soundness and monitoring plan accepted.'],
      ] as const)
        await c.graphql(user, 'mutation($i: ApproveModelCardInput!) { approveModelCard(input: $i) { status } }', {
          i: { modelVersionId: v.id, revision: v.cardRevision, comment },
        });
      const promote = (to: string, reason: string, exceptionId?: string) =>
        c.graphql('mowner', 'mutation($i: PromoteModelVersionInput!) { promoteModelVersion(input: $i) { stage } }', {
          i: { modelVersionId: v.id, to, reason, ...(exceptionId ? { exceptionId } : {}) },
        });
      await promote('STAGING', 'Champion/challenger run against 1.0');
      // Production: the gate refuses it on the age-band bias report (0.78 < 0.8); a risk officer
      // grants a time-boxed exception, the override the pack must show.
      const gate = await promote('PRODUCTION', 'Challenger won').then(
        () => null,
        (e: unknown) => (e instanceof DemoError ? e.message : String(e)),
      );
      if (gate !== null) {
        const { grantPromotionException: exception } = await c.graphql<{ grantPromotionException: { id: string } }>(
          'risk',
          'mutation($i: GrantPromotionExceptionInput!) { grantPromotionException(input: $i) { id } }',
          {
            i: {
              modelVersionId: v.id,
              name: 'age-band-monitoring',
              reason: 'Impact ratio 0.78 for 26-40 is a known data effect; monthly bias monitoring until the 2.1 retrain.',
              waives: gate.includes('card_approval') ? ['BIAS_REPORT', 'CARD_APPROVAL'] : ['BIAS_REPORT'],
              expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
            },
          },
        );
        await promote('PRODUCTION', 'Challenger won; bias exception age-band-monitoring', exception.id);
      }
    }
  }
  // The rest of the inventory: models without traffic yet, so the console's filters have something to filter.
  for (const [name, domain, riskTier, description, datasets] of [
    ['fraud-screening', 'payments', 'LIMITED', 'Flags card payments for manual fraud review.', []],
    [
      'collections-priority',
      DEMO_DOMAIN,
      'MINIMAL',
      'Orders the collections work queue; a person decides every action.',
      [{ nodeId: features, role: 'TRAINING' }],
    ],
  ] as const) {
    await c.graphql('mowner', 'mutation($i: CreateModelInput!) { createModel(input: $i) { id } }', { i: { name, domain, riskTier, description } });
    await c.graphql('mowner', `mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }`, {
      i: {
        modelName: name,
        version: '0.3',
        artifactUri: `s3://models/${name}/0.3/model.onnx`,
        artifactDigest: `sha256:${createHash('sha256').update(`${name} 0.3`).digest('hex')}`,
        framework: 'xgboost 2.1',
        datasets,
      },
    });
  }
  log(
    `Model ${DEMO_MODEL} (high risk): 1.0 card in review, 2.0 card approved by two risk officers and in production under a bias exception; bias reports on age_band and gender; fraud-screening and collections-priority in development`,
  );
  return versions;
}

function g(group: string, tp: number, fp: number, fn: number, tn: number) {
  return { group, truePositives: tp, falsePositives: fp, falseNegatives: fn, trueNegatives: tn };
}

async function access(c: DemoClient, log: DemoOptions['log'], d: DemoResult['datasets']): Promise<void> {
  const request = (user: string, name: string, action: string, purpose: string, durationDays: number, justification: string) =>
    c.graphql<{ requestDatasetAccess: { request: { id: string; status: string; ruleId: string | null } } }>(
      user,
      'mutation($i: RequestDatasetAccessInput!) { requestDatasetAccess(input: $i) { request { id status ruleId } } }',
      { i: { namespace: DEMO_NAMESPACE, name, action, purpose, durationDays, justification } },
    );
  const outcomes: string[] = [];
  const masked = await request('ds', d.curated, 'READ_MASKED', 'model-training', 60, 'Feature exploration for credit-default 2.1');
  outcomes.push(`ds read_masked ${masked.requestDatasetAccess.request.status.toLowerCase()} by rule ${masked.requestDatasetAccess.request.ruleId}`);
  const exported = await request('ds', d.curated, 'EXPORT', 'model-training', 7, 'Offline experiment on a laptop');
  outcomes.push(`ds export ${exported.requestDatasetAccess.request.status.toLowerCase()} by rule ${exported.requestDatasetAccess.request.ruleId}`);
  await c.graphql('compliance', 'mutation($i: SetAccessAttestationInput!) { setAccessAttestation(input: $i) { kind } }', {
    i: { principal: 'ds@charter.local', kind: 'privacy-training', expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() },
  });
  const read = await request('ds', d.curated, 'READ', 'model-training', 30, 'Retraining credit-default on the curated applications');
  outcomes.push(await decideByPeople(c, read.requestDatasetAccess.request, 'ds read'));
  const raw = await request('mowner', d.raw, 'READ', 'incident-investigation', 5, 'Complaint 2291: check the raw application behind a decline');
  outcomes.push(await decideByPeople(c, raw.requestDatasetAccess.request, 'mowner read of raw'));
  // The decision API: a platform asks whether someone without a grant may export; denied and audited.
  await c.rest(
    'ingest',
    'POST',
    '/api/v1/authz/check',
    JSON.stringify({ subject: 'ciso@charter.local', dataset: { namespace: DEMO_NAMESPACE, name: d.curated }, action: 'export' }),
  );
  outcomes.push('decision API: ciso export of the curated data denied (audited)');
  // Left for the data owner's inbox: restricted data is never granted by a rule.
  const waiting = [
    await request('ds', d.raw, 'READ', 'data-quality', 14, 'IBAN parsing errors reported by the curation job: compare against the raw rows'),
    await request('mowner', d.raw, 'READ', 'model-evaluation', 90, 'Validate 2.0 on unmasked applications'),
  ];
  outcomes.push(`${waiting.filter((w) => w.requestDatasetAccess.request.status === 'ESCALATED').length} requests for the raw data waiting for the owner`);
  log(`Access: ${outcomes.join('; ')}`);
}

async function decideByPeople(c: DemoClient, r: { id: string; status: string; ruleId: string | null }, what: string): Promise<string> {
  if (r.status !== 'ESCALATED') return `${what} ${r.status.toLowerCase()} by rule ${r.ruleId}`;
  const approvers: string[] = [];
  for (const user of ['owner', 'risk']) {
    const res = await c.graphql<{ approveAccessRequest: { request: { status: string } } }>(
      user,
      'mutation($i: ApproveAccessRequestInput!) { approveAccessRequest(input: $i) { request { status } } }',
      { i: { requestId: r.id, note: user === 'owner' ? 'Owner: purpose matches the data' : 'Risk: time-boxed, fine' } },
    );
    approvers.push(user);
    if (res.approveAccessRequest.request.status === 'APPROVED') break;
  }
  return `${what} escalated (${r.ruleId}) and approved by ${approvers.join(' + ')}`;
}

async function traffic(c: DemoClient, log: DemoOptions['log'], versions: { id: string; version: string }[], count: number): Promise<void> {
  const r = prng(7);
  let sent = 0;
  let feedback = 0;
  for (const v of versions) {
    const seldon = v.version === '2.0';
    for (let i = 0; i < count; i++) {
      const id = `${seldon ? 'sdep' : 'isvc'}-${v.version}-${randomUUID()}`;
      const t0 = Date.now() - Math.floor(r() * 3_600_000);
      const latency = Math.round(15 + r() * 60 + (r() < 0.05 ? 400 : 0));
      const features = [Math.round(300 + r() * 550), Math.round(r() * 100) / 100, Math.floor(r() * 4)];
      const score = Math.round(r() * 1000) / 1000;
      const label = score < 0.55 ? 'approve' : score < 0.8 ? 'refer' : 'decline';
      const common = {
        'ce-specversion': '1.0',
        'ce-source': seldon ? 'seldon/credit' : 'kserve/credit',
        'ce-inferenceservicename': DEMO_MODEL,
        'ce-modelversion': v.version,
      };
      const request = seldon
        ? {
            headers: { ...common, 'ce-id': `${id}-req`, 'ce-requestid': id, 'ce-type': 'io.seldon.serving.inference.request' },
            body: { data: { names: ['bureau_score', 'debt_ratio', 'age_band'], ndarray: [features] } },
          }
        : { headers: { ...common, 'ce-id': id, 'ce-type': 'org.kubeflow.serving.inference.request' }, body: { instances: [features] } };
      const response = seldon
        ? {
            headers: { ...common, 'ce-id': `${id}-res`, 'ce-requestid': id, 'ce-type': 'io.seldon.serving.inference.response' },
            body: { data: { names: ['decision'], ndarray: [label] }, meta: { puid: id } },
          }
        : { headers: { ...common, 'ce-id': id, 'ce-type': 'org.kubeflow.serving.inference.response' }, body: { predictions: [score] } };
      await c.rest('ingest', 'POST', '/api/v1/predictions', JSON.stringify(request.body), { ...request.headers, 'ce-time': new Date(t0).toISOString() });
      // A few responses never arrive: the serving side failed (they show as unmatched after the pairing timeout).
      if (r() < 0.02) {
        sent += 1;
        continue;
      }
      await c.rest('ingest', 'POST', '/api/v1/predictions', JSON.stringify(response.body), {
        ...response.headers,
        'ce-time': new Date(t0 + latency).toISOString(),
      });
      sent += 1;
      if (seldon && r() < 0.3) {
        const truth = r() < 0.85 ? label : label === 'approve' ? 'decline' : 'approve';
        await c.rest(
          'ingest',
          'POST',
          '/api/v1/feedback',
          JSON.stringify({ response: { meta: { puid: id } }, truth: { data: { ndarray: [truth] } }, reward: truth === label ? 1 : 0 }),
          {
            'ce-inferenceservicename': DEMO_MODEL,
          },
        );
        feedback += 1;
      }
    }
  }
  log(`Predictions: ${sent} requests as KServe (1.0) and Seldon (2.0) CloudEvents with their responses, ${feedback} Seldon feedback messages`);
}

async function report(
  c: DemoClient,
  log: DemoOptions['log'],
  kind: 'MODEL' | 'DATASET',
  target: string,
  from: Date,
  to: Date,
  url: string,
): Promise<DemoResult['reports'][number]> {
  const { generateReport } = await c.graphql<{ generateReport: { id: string } }>(
    'compliance',
    'mutation($i: GenerateReportInput!) { generateReport(input: $i) { id } }',
    { i: { kind, target, from: from.toISOString(), to: to.toISOString() } },
  );
  let job: { status: string; progress: number; error: string | null; packHash: string | null } = { status: 'QUEUED', progress: 0, error: null, packHash: null };
  let shown = -1;
  for (let i = 0; i < 1200 && (job.status === 'QUEUED' || job.status === 'RUNNING'); i++) {
    await sleep(250);
    job = (
      await c.graphql<{ report: typeof job }>('compliance', 'query($id: ID!) { report(id: $id) { status progress error packHash } }', { id: generateReport.id })
    ).report;
    if (job.progress !== shown && job.status === 'RUNNING') {
      shown = job.progress;
      log(`  ${kind.toLowerCase()} pack ${target}: ${job.progress}%`);
    }
  }
  if (job.status !== 'SUCCEEDED') throw new DemoError(`the ${kind.toLowerCase()} pack of ${target} ${job.status.toLowerCase()}: ${job.error ?? 'timed out'}`);
  log(`Report: ${kind.toLowerCase()} pack of ${target} generated (${url}/api/v1/reports/${generateReport.id}.pdf)`);
  return { kind, target, id: generateReport.id, packHash: job.packHash!, pdfUrl: `/api/v1/reports/${generateReport.id}.pdf` };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
