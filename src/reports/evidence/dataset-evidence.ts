import { Injectable } from '@nestjs/common';
import { formatNodeId } from '../../lineage/graph/node-id';
import {
  available,
  unavailable,
  type Actor,
  type DatasetAccessPack,
  type DatasetEvidence,
  type LineageGraph,
  type ReportPeriod,
  type Sensitivity,
} from '../pack/pack.types';
import { EvidenceRepository, type AuditEvidenceRow, type EvidenceDatasetRow } from './evidence.repository';

/** Downstream walk limits: the diagram summarises large graphs, but the gatherer must still end. */
export const DOWNSTREAM_NODE_BUDGET = 2000;
export const DOWNSTREAM_MAX_HOPS = 20;
/** At most this many audit rows per section; more would be a pack nobody reads, and the log is the record. */
export const AUDIT_ROWS_LIMIT = 5000;

export const GRANTS_UNAVAILABLE =
  'access grants come from the access requests module (issue 7), which this installation does not have yet; role-based access is governed by the Casbin policy';
export const MODELS_UNAVAILABLE = 'downstream models come from the model registry (issue 6), which this installation does not have yet';

export interface DatasetPackRequest {
  reportId: string;
  dataset: EvidenceDatasetRow;
  period: ReportPeriod;
  generatedAt: Date;
  generatedBy: Actor;
}

/**
 * Fills a dataset access pack from what Charter records today: the lineage catalog (dataset,
 * downstream), PII scans and tags, and the governance audit log (sensitivity changes, denials).
 * Sections whose source module is not installed are marked unavailable with the reason.
 */
@Injectable()
export class DatasetEvidenceGatherer {
  constructor(private readonly repository: EvidenceRepository) {}

  async gather(request: DatasetPackRequest, progress: (percent: number) => Promise<void>): Promise<DatasetAccessPack> {
    const d = request.dataset;
    const nodeId = formatNodeId({ type: 'DATASET', namespace: d.namespace, name: d.name });
    const from = new Date(request.period.from);
    const to = new Date(request.period.to);
    const evidence = await this.datasetEvidence(d, from, to);
    await progress(20);
    const sensitivityChanges = (await this.repository.auditEvents(nodeId, from, to, { action: 'pii.sensitivity.change' }, AUDIT_ROWS_LIMIT)).map((row) => ({
      at: row.occurred_at.toISOString(),
      before: row.details.before as Sensitivity,
      after: row.details.after as Sensitivity,
      by: actorOf(row),
      scanId: typeof row.details.scanId === 'string' ? row.details.scanId : null,
      auditSeq: Number(row.seq),
    }));
    const deniedAttempts = (await this.repository.auditEvents(nodeId, from, to, { denials: true }, AUDIT_ROWS_LIMIT)).map((row) => ({
      at: row.occurred_at.toISOString(),
      actor: actorOf(row),
      action: row.action,
      reason: row.reason,
      auditSeq: Number(row.seq),
    }));
    await progress(40);
    const downstream = await this.downstream(d, to);
    await progress(60);
    return {
      kind: 'dataset',
      format: 'charter-dataset-access-pack/1',
      cover: {
        title: nodeId,
        domain: d.domain,
        period: request.period,
        generatedAt: request.generatedAt.toISOString(),
        generatedBy: request.generatedBy,
        reportId: request.reportId,
        datasetId: nodeId,
        namespace: d.namespace,
        name: d.name,
        owner: d.owner,
        sensitivity: d.sensitivity,
      },
      dataset: available(evidence),
      accessGrants: unavailable(GRANTS_UNAVAILABLE),
      deniedAttempts: available(deniedAttempts),
      sensitivityChanges: available(sensitivityChanges),
      downstreamLineage: available(downstream),
      downstreamModels: unavailable(MODELS_UNAVAILABLE),
    };
  }

  private async datasetEvidence(d: EvidenceDatasetRow, from: Date, to: Date): Promise<DatasetEvidence> {
    const [fields, scans] = await Promise.all([this.repository.piiFields(d.id), this.repository.scans(d.id, from, to)]);
    return {
      id: formatNodeId({ type: 'DATASET', namespace: d.namespace, name: d.name }),
      namespace: d.namespace,
      name: d.name,
      domain: d.domain,
      owner: d.owner,
      sensitivity: d.sensitivity,
      sensitivityUpdatedAt: d.sensitivity_updated_at?.toISOString() ?? null,
      piiColumns: fields.map((f) => ({ column: f.name, entityTypes: f.tags.map((t) => t.slice('PII:'.length)) })),
      scans: scans.map((s) => ({
        scanId: s.id,
        finishedAt: s.finished_at.toISOString(),
        sensitivity: s.sensitivity,
        rows: Number(s.rows),
        fileSha256: s.file_sha256,
      })),
    };
  }

  /** Breadth-first, dataset → reading job → written dataset, over edges recorded before the period's end. */
  private async downstream(root: EvidenceDatasetRow, before: Date): Promise<LineageGraph> {
    const datasetIds = new Set([root.id]);
    const jobIds = new Set<string>();
    const edges = new Map<string, { from: string; to: string }>();
    let frontier = [root.id];
    let truncated = false;
    for (let hop = 0; frontier.length > 0 && hop < DOWNSTREAM_MAX_HOPS; hop += 1) {
      const next: string[] = [];
      for (const row of await this.repository.downstreamEdges(frontier, before)) {
        if (datasetIds.size + jobIds.size >= DOWNSTREAM_NODE_BUDGET) {
          truncated = true;
          break;
        }
        jobIds.add(row.job_id);
        edges.set(`d${row.dataset_id}>j${row.job_id}`, { from: `d${row.dataset_id}`, to: `j${row.job_id}` });
        if (row.output_id) {
          edges.set(`j${row.job_id}>d${row.output_id}`, { from: `j${row.job_id}`, to: `d${row.output_id}` });
          if (!datasetIds.has(row.output_id)) {
            datasetIds.add(row.output_id);
            next.push(row.output_id);
          }
        }
      }
      if (truncated) break;
      frontier = next;
      if (hop === DOWNSTREAM_MAX_HOPS - 1 && next.length > 0) truncated = true;
    }
    const [datasets, jobs] = await Promise.all([this.repository.datasetNodes([...datasetIds]), this.repository.jobNodes([...jobIds])]);
    const ids = new Map<string, string>();
    const nodes: LineageGraph['nodes'] = [];
    for (const n of datasets) {
      const id = formatNodeId({ type: 'DATASET', namespace: n.namespace, name: n.name });
      ids.set(`d${n.id}`, id);
      nodes.push({ id, kind: 'dataset', namespace: n.namespace, name: n.name, sensitivity: n.sensitivity, ...(n.id === root.id ? { root: true } : {}) });
    }
    for (const n of jobs) {
      const id = formatNodeId({ type: 'JOB', namespace: n.namespace, name: n.name });
      ids.set(`j${n.id}`, id);
      nodes.push({ id, kind: 'job', namespace: n.namespace, name: n.name });
    }
    if (nodes.length === 1) return { nodes: [], edges: [], truncated: false };
    const graphEdges = [...edges.values()]
      .map((e) => ({ from: ids.get(e.from)!, to: ids.get(e.to)! }))
      .filter((e) => e.from !== undefined && e.to !== undefined)
      .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
    return { nodes, edges: graphEdges, truncated };
  }
}

function actorOf(row: AuditEvidenceRow): Actor | null {
  return row.actor_id ? { id: row.actor_id, label: row.actor_label } : null;
}
