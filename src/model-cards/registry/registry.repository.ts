import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { RiskTier } from '../model-policies';
import type { Stage } from '../promotion/promotion-gate';

export interface ModelRow {
  id: string;
  name: string;
  domain: string;
  owner: string;
  risk_tier: RiskTier;
  description: string | null;
  created_by: string;
  created_at: Date;
}

export interface VersionRow {
  id: string;
  model_id: string;
  version: string;
  artifact_uri: string;
  artifact_digest: string;
  framework: string | null;
  training_run_id: string | null;
  stage: Stage;
  registered_by: string;
  created_at: Date;
  stage_changed_at: Date;
}

export interface VersionDatasetRow {
  model_version_id: string;
  dataset_id: string;
  role: 'training' | 'evaluation';
  namespace: string;
  name: string;
  domain: string;
}

export interface StageChangeRow {
  id: string;
  model_version_id: string;
  from_stage: Stage | null;
  to_stage: Stage;
  changed_by: string;
  changed_at: Date;
  reason: string | null;
  exception_id: string | null;
}

export interface ModelFilter {
  domains: string[];
  domain?: string | null;
  riskTier?: RiskTier | null;
  owner?: string | null;
  stage?: Stage | null;
  reviewStatus?: string | null;
  afterName?: string | null;
}

const MODEL_COLUMNS = 'm.id, m.name, m.domain, m.owner, m.risk_tier, m.description, m.created_by, m.created_at';
const VERSION_COLUMNS =
  'v.id, v.model_id, v.version, v.artifact_uri, v.artifact_digest, v.framework, v.training_run_id, v.stage, v.registered_by, v.created_at, v.stage_changed_at';

/** Models, versions, their datasets and stage history. */
@Injectable()
export class RegistryRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** A principal by id or e-mail (people appear in principals once they have signed in). */
  async findPrincipal(idOrEmail: string): Promise<string | null> {
    const rows = await this.tx.query<{ id: string }>('SELECT id FROM principals WHERE id::text = $1 OR lower(email) = lower($1) ORDER BY created_at LIMIT 1', [
      idOrEmail,
    ]);
    return rows[0]?.id ?? null;
  }

  async insertModel(m: Omit<ModelRow, 'id' | 'created_at'>): Promise<ModelRow | null> {
    const rows = await this.tx.query<ModelRow>(
      `INSERT INTO models (name, domain, owner, risk_tier, description, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO NOTHING
       RETURNING id, name, domain, owner, risk_tier, description, created_by, created_at`,
      [m.name, m.domain, m.owner, m.risk_tier, m.description, m.created_by],
    );
    return rows[0] ?? null;
  }

  async findModel(by: { id?: string; name?: string }, lock = false): Promise<ModelRow | null> {
    const rows = await this.tx.query<ModelRow>(
      `SELECT ${MODEL_COLUMNS} FROM models m WHERE ${by.id ? 'm.id = $1' : 'm.name = $1'}${lock ? ' FOR UPDATE' : ''}`,
      [by.id ?? by.name],
    );
    return rows[0] ?? null;
  }

  async domains(): Promise<string[]> {
    return (await this.tx.query<{ domain: string }>('SELECT DISTINCT domain FROM models')).map((r) => r.domain);
  }

  /** A page of models by name, limited to readable domains; stage/review filters match any version. */
  async listModels(f: ModelFilter, limit: number): Promise<ModelRow[]> {
    const params: unknown[] = [f.domains];
    const where = ['m.domain = ANY($1)'];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.domain) add((p) => `m.domain = ${p}`, f.domain);
    if (f.riskTier) add((p) => `m.risk_tier = ${p}`, f.riskTier);
    if (f.owner) add((p) => `m.owner = ${p}`, f.owner);
    if (f.stage) add((p) => `EXISTS (SELECT 1 FROM model_versions v WHERE v.model_id = m.id AND v.stage = ${p})`, f.stage);
    if (f.reviewStatus) {
      add(
        (p) => `EXISTS (SELECT 1 FROM model_versions v JOIN model_cards c ON c.model_version_id = v.id WHERE v.model_id = m.id AND c.status = ${p})`,
        f.reviewStatus,
      );
    }
    if (f.afterName) add((p) => `m.name > ${p}`, f.afterName);
    params.push(limit);
    return this.tx.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models m WHERE ${where.join(' AND ')} ORDER BY m.name LIMIT $${params.length}`, params);
  }

  async insertVersion(v: Omit<VersionRow, 'id' | 'created_at' | 'stage_changed_at' | 'stage'>): Promise<VersionRow | null> {
    const rows = await this.tx.query<VersionRow>(
      `INSERT INTO model_versions AS v (model_id, version, artifact_uri, artifact_digest, framework, training_run_id, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model_id, version) DO NOTHING
       RETURNING ${VERSION_COLUMNS}`,
      [v.model_id, v.version, v.artifact_uri, v.artifact_digest, v.framework, v.training_run_id, v.registered_by],
    );
    return rows[0] ?? null;
  }

  async findVersion(id: string, lock = false): Promise<VersionRow | null> {
    const rows = await this.tx.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE v.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] ?? null;
  }

  async findVersionByName(modelName: string, version: string): Promise<VersionRow | null> {
    const rows = await this.tx.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.name = $1 AND v.version = $2`,
      [modelName, version],
    );
    return rows[0] ?? null;
  }

  /** Versions of several models at once, newest first within each model. */
  versionsOf(modelIds: string[]): Promise<VersionRow[]> {
    return this.tx.query<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE v.model_id = ANY($1) ORDER BY v.model_id, v.created_at DESC, v.id`,
      [modelIds],
    );
  }

  async runExists(runId: string): Promise<boolean> {
    return (await this.tx.query('SELECT 1 FROM lineage_runs WHERE id = $1', [runId])).length > 0;
  }

  findDatasets(ids: string[]): Promise<{ id: string; namespace: string; name: string; domain: string }[]> {
    return this.tx.query('SELECT id, namespace, name, domain FROM lineage_datasets WHERE id = ANY($1)', [ids]);
  }

  findDatasetByName(namespace: string, name: string): Promise<{ id: string; namespace: string; name: string; domain: string }[]> {
    return this.tx.query('SELECT id, namespace, name, domain FROM lineage_datasets WHERE namespace = $1 AND name = $2', [namespace, name]);
  }

  async insertVersionDatasets(versionId: string, links: { datasetId: string; role: 'training' | 'evaluation' }[]): Promise<void> {
    if (!links.length) return;
    await this.tx.query(
      `INSERT INTO model_version_datasets (model_version_id, dataset_id, role)
       SELECT $1, d, r FROM unnest($2::uuid[], $3::text[]) AS l(d, r) ON CONFLICT DO NOTHING`,
      [versionId, links.map((l) => l.datasetId), links.map((l) => l.role)],
    );
  }

  datasetsOf(versionIds: string[]): Promise<VersionDatasetRow[]> {
    return this.tx.query<VersionDatasetRow>(
      `SELECT l.model_version_id, l.dataset_id, l.role, d.namespace, d.name, d.domain
       FROM model_version_datasets l JOIN lineage_datasets d ON d.id = l.dataset_id
       WHERE l.model_version_id = ANY($1) ORDER BY l.role DESC, d.namespace, d.name`,
      [versionIds],
    );
  }

  /** Versions trained or evaluated on each dataset, by lineage node name (namespace, name). */
  versionsOnDatasets(datasets: { namespace: string; name: string }[]): Promise<(VersionRow & { namespace: string; name: string })[]> {
    return this.tx.query(
      `SELECT DISTINCT ${VERSION_COLUMNS}, d.namespace, d.name
       FROM unnest($1::text[], $2::text[]) AS k(namespace, name)
       JOIN lineage_datasets d ON d.namespace = k.namespace AND d.name = k.name
       JOIN model_version_datasets l ON l.dataset_id = d.id
       JOIN model_versions v ON v.id = l.model_version_id
       ORDER BY d.namespace, d.name, v.created_at DESC, v.id`,
      [datasets.map((d) => d.namespace), datasets.map((d) => d.name)],
    );
  }

  modelsById(ids: string[]): Promise<ModelRow[]> {
    return this.tx.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models m WHERE m.id = ANY($1)`, [ids]);
  }

  async setStage(versionId: string, stage: Stage): Promise<VersionRow> {
    const rows = await this.tx.query<VersionRow>(
      `UPDATE model_versions v SET stage = $2, stage_changed_at = now() WHERE v.id = $1 RETURNING ${VERSION_COLUMNS}`,
      [versionId, stage],
    );
    return rows[0]!;
  }

  async insertStageChange(c: Omit<StageChangeRow, 'id' | 'changed_at'>): Promise<void> {
    await this.tx.query(
      `INSERT INTO model_stage_history (model_version_id, from_stage, to_stage, changed_by, reason, exception_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [c.model_version_id, c.from_stage, c.to_stage, c.changed_by, c.reason, c.exception_id],
    );
  }

  stageHistory(versionIds: string[]): Promise<StageChangeRow[]> {
    return this.tx.query<StageChangeRow>(
      `SELECT id::text, model_version_id, from_stage, to_stage, changed_by, changed_at, reason, exception_id
       FROM model_stage_history WHERE model_version_id = ANY($1) ORDER BY id`,
      [versionIds],
    );
  }

  /** Card status and revision of each version. */
  cardsOf(versionIds: string[]): Promise<{ model_version_id: string; status: string; current_revision: number }[]> {
    return this.tx.query('SELECT model_version_id, status, current_revision FROM model_cards WHERE model_version_id = ANY($1)', [versionIds]);
  }
}
