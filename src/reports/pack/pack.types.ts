/**
 * The document model of Charter's compliance packs: plain data, no database, no rendering.
 * The evidence gatherer fills it; the PDF renderer and the JSON writer read it. Every timestamp is
 * an ISO 8601 UTC string (`2026-03-01T00:00:00.000Z`) so a pack serialises to the same canonical
 * JSON wherever it is built, which is what the manifest hashes.
 *
 * A section whose source module is not installed is an `Unavailable` marker with the reason, never
 * an empty list: an empty list would claim "nothing happened", which the pack cannot know.
 */

export type IsoDateTime = string;

export type Sensitivity = 'public' | 'internal' | 'confidential' | 'restricted';

export type RiskTier = 'minimal' | 'limited' | 'high' | 'unacceptable';

/** A section the gatherer could not fill because its source does not exist in this installation. */
export interface Unavailable {
  available: false;
  /** Shown in the PDF in place of the section, e.g. "the access requests module is not installed". */
  reason: string;
}

/** A section filled from its source. */
export interface Available<T> {
  available: true;
  data: T;
  /** Set when the source held more rows than a pack lists: only the first this many are in `data`. */
  truncatedAt?: number;
}

export type Section<T> = Available<T> | Unavailable;

export interface ReportPeriod {
  /** Inclusive. */
  from: IsoDateTime;
  /** Exclusive. */
  to: IsoDateTime;
}

export interface Actor {
  /** Principal id (or API key id). */
  id: string;
  /** E-mail or display name, as audited. */
  label: string | null;
}

/** The first page. `packHash` is not here: it is the hash of the pack itself (see manifest.ts). */
export interface Cover {
  title: string;
  /** e.g. "credit-risk" */
  domain: string;
  period: ReportPeriod;
  generatedAt: IsoDateTime;
  generatedBy: Actor;
  /** Report job id. */
  reportId: string;
}

export interface ModelCover extends Cover {
  modelName: string;
  modelVersion: string;
  riskTier: RiskTier | null;
}

export interface DatasetCover extends Cover {
  /** `dataset:<namespace>:<name>` */
  datasetId: string;
  namespace: string;
  name: string;
  owner: string | null;
  sensitivity: Sensitivity;
}

// ---------------------------------------------------------------------------------------------
// Model card, stage history

export interface Approval {
  approver: Actor;
  /** The approver's role when approving, e.g. risk_officer. */
  role: string;
  decision: 'approved' | 'rejected' | 'changes_requested';
  decidedAt: IsoDateTime;
  comment: string | null;
  /** Detached signature over the card revision, if the registry signs approvals (base64), and its algorithm. */
  signature: { algorithm: string; value: string; keyId: string | null } | null;
}

export interface ModelCardRevision {
  revision: number;
  status: 'draft' | 'in_review' | 'approved' | 'superseded';
  /** When this revision came into force (approval time); null if it never did. */
  effectiveFrom: IsoDateTime | null;
  /** SHA-256 of the card content the approvals refer to. */
  contentSha256: string;
  /** Card fields as the registry stores them (Model Card Toolkit sections), in display order. */
  fields: { label: string; value: string }[];
  approvals: Approval[];
}

export interface StageTransition {
  from: string | null;
  to: string;
  at: IsoDateTime;
  by: Actor;
  /** Gate outcome or free-text reason. */
  reason: string | null;
}

// ---------------------------------------------------------------------------------------------
// Lineage

export type LineageNodeKind = 'dataset' | 'job' | 'model';

export interface LineageNode {
  /** Charter node id: `dataset:<ns>:<name>`, `job:<ns>:<name>`, `model:<name>:<version>`. */
  id: string;
  kind: LineageNodeKind;
  namespace: string;
  name: string;
  /** The node the pack is about, drawn highlighted. */
  root?: boolean;
  sensitivity?: Sensitivity | null;
}

export interface LineageEdge {
  /** Node ids; data flows from `from` to `to`. */
  from: string;
  to: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** True if the gatherer stopped at its node budget: the diagram says the graph is incomplete. */
  truncated: boolean;
}

// ---------------------------------------------------------------------------------------------
// Datasets, grants, access

export interface PiiColumn {
  column: string;
  /** Presidio entity types, e.g. EMAIL_ADDRESS. */
  entityTypes: string[];
}

export interface PiiScanSummary {
  scanId: string;
  finishedAt: IsoDateTime;
  sensitivity: Sensitivity;
  rows: number;
  /** SHA-256 of the scanned file. */
  fileSha256: string;
}

export interface DatasetEvidence {
  id: string;
  namespace: string;
  name: string;
  domain: string;
  owner: string | null;
  sensitivity: Sensitivity;
  sensitivityUpdatedAt: IsoDateTime | null;
  /** Columns tagged PII:<TYPE> now. */
  piiColumns: PiiColumn[];
  /** Successful scans, newest first: in the period, plus the last one before it (what was in force). */
  scans: PiiScanSummary[];
}

export interface AccessGrant {
  grantId: string;
  dataset: string;
  grantee: Actor;
  /** Why access was granted: the rule that decided automatically, or the approving owner. */
  basis: { kind: 'rule'; rule: string } | { kind: 'approver'; approver: Actor };
  purpose: string | null;
  from: IsoDateTime;
  /** Expiry or revocation; null if still open at the end of the period. */
  to: IsoDateTime | null;
  revokedAt: IsoDateTime | null;
}

export interface DeniedAttempt {
  at: IsoDateTime;
  actor: Actor | null;
  /** Audited action, e.g. `access.request` or `authz.check`. */
  action: string;
  reason: string | null;
  /** Governance audit sequence number, to find the row in the hash-chained log. */
  auditSeq: number;
}

export interface SensitivityChange {
  at: IsoDateTime;
  before: Sensitivity;
  after: Sensitivity;
  by: Actor | null;
  scanId: string | null;
  auditSeq: number;
}

export interface DownstreamModel {
  model: string;
  version: string;
  stage: string;
  /** Lineage hops from the dataset. */
  distance: number;
}

// ---------------------------------------------------------------------------------------------
// Predictions

export interface DailyVolume {
  /** YYYY-MM-DD (UTC). */
  day: string;
  count: number;
  errors: number;
}

export interface LatencyPercentiles {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OutputBucket {
  /** A class label, or a numeric range such as "[0.2, 0.4)". */
  label: string;
  count: number;
}

export interface ChainVerification {
  valid: boolean;
  checkedRecords: number;
  /** First broken record, when invalid. */
  firstBrokenRecord: string | null;
  problem: string | null;
  verifiedAt: IsoDateTime;
}

/** One prediction record with its payloads replaced by their hashes and sizes: never the personal data. */
export interface RedactedRecord {
  recordId: string;
  at: IsoDateTime;
  /** 0 when the response is missing. */
  latencyMs: number;
  /** `pending`: a half is missing but the pairing timeout has not passed yet (not counted as an error). */
  status: 'ok' | 'error' | 'pending';
  requestSha256: string;
  requestBytes: number;
  responseSha256: string;
  responseBytes: number;
  /** The output label or score as a short string (not personal), e.g. "approve" or "0.83". */
  output: string | null;
  /** The record's hash in the prediction chain. */
  chainHash: string;
}

export interface PredictionSummary {
  totalRecords: number;
  errorRate: number;
  volumeByDay: DailyVolume[];
  latency: LatencyPercentiles;
  outputDistribution: OutputBucket[];
  chain: ChainVerification;
  /** A reproducible sample (`sampleSeed`) of at most a few dozen records. */
  sample: RedactedRecord[];
  sampleSeed: string;
}

// ---------------------------------------------------------------------------------------------
// Bias, exceptions

export interface GroupRate {
  group: string;
  /** Members of the group in the evaluated population. */
  count: number;
  /** Favourable outcome rate, 0..1. */
  rate: number;
  /** rate / rate of the reference (most favoured) group. */
  ratio: number;
  /** True when ratio < 0.8: the four-fifths rule flags an adverse impact. */
  fourFifthsFlag: boolean;
}

export interface BiasAttributeReport {
  /** Protected attribute, e.g. "age_band". */
  attribute: string;
  referenceGroup: string;
  groups: GroupRate[];
}

export interface BiasReport {
  reportId: string;
  evaluatedAt: IsoDateTime;
  metric: string;
  attributes: BiasAttributeReport[];
}

export interface ExceptionRecord {
  at: IsoDateTime;
  kind: 'gate_override' | 'policy_exception' | 'manual_override';
  by: Actor;
  description: string;
  /** Until when the exception holds; null if open-ended. */
  expiresAt: IsoDateTime | null;
  auditSeq: number | null;
}

// ---------------------------------------------------------------------------------------------
// The packs

export interface ModelAuditPack {
  kind: 'model';
  /** Document format version; bump on any incompatible change. */
  format: 'charter-model-audit-pack/1';
  cover: ModelCover;
  modelCard: Section<ModelCardRevision>;
  stageHistory: Section<StageTransition[]>;
  /** Training data lineage, upstream of the model version. */
  lineage: Section<LineageGraph>;
  trainingDatasets: Section<DatasetEvidence[]>;
  /** Every grant to a training dataset that overlaps the period. */
  accessGrants: Section<AccessGrant[]>;
  predictions: Section<PredictionSummary>;
  bias: Section<BiasReport[]>;
  exceptions: Section<ExceptionRecord[]>;
}

export interface DatasetAccessPack {
  kind: 'dataset';
  format: 'charter-dataset-access-pack/1';
  cover: DatasetCover;
  dataset: Section<DatasetEvidence>;
  /** Who had access when and why: grants overlapping the period. */
  accessGrants: Section<AccessGrant[]>;
  deniedAttempts: Section<DeniedAttempt[]>;
  sensitivityChanges: Section<SensitivityChange[]>;
  /** Datasets and jobs downstream of the dataset. */
  downstreamLineage: Section<LineageGraph>;
  downstreamModels: Section<DownstreamModel[]>;
}

export type Pack = ModelAuditPack | DatasetAccessPack;

/** Section keys in document order; each is hashed on its own in the manifest. */
export const MODEL_SECTIONS = [
  'cover',
  'modelCard',
  'stageHistory',
  'lineage',
  'trainingDatasets',
  'accessGrants',
  'predictions',
  'bias',
  'exceptions',
] as const;
export const DATASET_SECTIONS = ['cover', 'dataset', 'accessGrants', 'deniedAttempts', 'sensitivityChanges', 'downstreamLineage', 'downstreamModels'] as const;

export function sectionKeys(pack: Pack): readonly string[] {
  return pack.kind === 'model' ? MODEL_SECTIONS : DATASET_SECTIONS;
}

export function unavailable(reason: string): Unavailable {
  return { available: false, reason };
}

export function available<T>(data: T): Available<T> {
  return { available: true, data };
}

/**
 * A list section read with a cap: `rows` were fetched with a limit of `limit + 1`, so one row too
 * many says the source holds more. Saying so keeps a capped list from reading as the whole story.
 */
export function availableCapped<T>(rows: T[], limit: number): Available<T[]> {
  return rows.length > limit ? { available: true, data: rows.slice(0, limit), truncatedAt: limit } : { available: true, data: rows };
}
