import { Injectable } from '@nestjs/common';
import { formatNodeId } from '../../lineage/graph/node-id';
import {
  available,
  availableCapped,
  type AccessGrant,
  type Actor,
  type DownstreamModel,
  type DatasetAccessPack,
  type DatasetEvidence,
  type LineageGraph,
  type ReportPeriod,
  type Sensitivity,
} from '../pack/pack.types';
import { EvidenceRepository, type AuditEvidenceRow, type EvidenceDatasetRow, type GrantEvidenceRow } from './evidence.repository';

/** Downstream walk limits: the diagram summarises large graphs, but the gatherer must still end. */
export const DOWNSTREAM_NODE_BUDGET = 2000;
export const DOWNSTREAM_MAX_HOPS = 20;
/** At most this many audit rows per section; more would be a pack nobody reads, and the log is the record. */
export const AUDIT_ROWS_LIMIT = 5000;

/** Grants per pack; beyond this the pack says so in the count and the access module is the record. */
export const GRANT_ROWS_LIMIT = 5000;

export interface DatasetPackRequest {
  reportId: string;
  dataset: EvidenceDatasetRow;
  period: ReportPeriod;
  generatedAt: Date;
  generatedBy: Actor;
}

/**
 * Fills a dataset access pack: the lineage catalog (dataset, downstream), PII scans and tags, the
 * governance audit log (sensitivity changes, denials of requests and of the decision API), access
 * grants with the rule or approvers behind each, and the model versions built on the data.
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
    const sensitivityChanges = (await this.repository.auditEvents(datasetTargets(d), from, to, { action: 'pii.sensitivity.change' }, AUDIT_ROWS_LIMIT + 1)).map(
      (row) => ({
        at: row.occurred_at.toISOString(),
        before: row.details.before as Sensitivity,
        after: row.details.after as Sensitivity,
        by: actorOf(row),
        scanId: typeof row.details.scanId === 'string' ? row.details.scanId : null,
        auditSeq: Number(row.seq),
      }),
    );
    const deniedAttempts = (await this.repository.auditEvents(datasetTargets(d), from, to, { denials: true }, AUDIT_ROWS_LIMIT + 1)).map((row) => ({
      at: row.occurred_at.toISOString(),
      actor: actorOf(row),
      action: row.action,
      reason: row.reason,
      auditSeq: Number(row.seq),
    }));
    await progress(40);
    const walked = await this.walk([d], to, 'downstream');
    const downstream = walked.graph.nodes.length === 1 ? { nodes: [], edges: [], truncated: false } : walked.graph;
    const hops = hopsFrom(walked.graph, [nodeId], 'downstream');
    const models = await this.repository.modelsOn([...walked.datasetUuids.values()], to);
    const byUuid = new Map([...walked.datasetUuids].map(([node, uuid]) => [uuid, node]));
    const nearest = new Map<string, DownstreamModel>();
    for (const m of models) {
      const distance = (hops.get(byUuid.get(m.dataset_id) ?? '') ?? 0) + 1;
      const key = `${m.model}\u0000${m.version}`;
      const seen = nearest.get(key);
      if (!seen || distance < seen.distance) nearest.set(key, { model: m.model, version: m.version, stage: m.stage, distance });
    }
    const downstreamModels = [...nearest.values()].sort((a, b) => a.distance - b.distance || (a.model + a.version < b.model + b.version ? -1 : 1));
    const grants = (await this.repository.grants([d.id], from, to, GRANT_ROWS_LIMIT + 1)).map(grantOf);
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
      accessGrants: availableCapped(grants, GRANT_ROWS_LIMIT),
      deniedAttempts: availableCapped(deniedAttempts, AUDIT_ROWS_LIMIT),
      sensitivityChanges: availableCapped(sensitivityChanges, AUDIT_ROWS_LIMIT),
      downstreamLineage: available(downstream),
      downstreamModels: available(downstreamModels),
    };
  }

  async datasetEvidence(d: EvidenceDatasetRow, from: Date, to: Date): Promise<DatasetEvidence> {
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

  /**
   * Breadth-first from the roots, over edges recorded before the period's end: downstream is
   * dataset → reading job → written dataset, upstream is dataset ← writing job ← read dataset.
   * Edges are returned in data-flow direction either way.
   */
  async walk(roots: EvidenceDatasetRow[], before: Date, direction: 'downstream' | 'upstream', markRoots = true): Promise<WalkResult> {
    const rootIds = new Set(roots.map((r) => r.id));
    const datasetIds = new Set(rootIds);
    const jobIds = new Set<string>();
    const edges = new Map<string, { from: string; to: string }>();
    let frontier = [...rootIds];
    let truncated = false;
    const flow = (a: string, b: string) => (direction === 'downstream' ? { from: a, to: b } : { from: b, to: a });
    for (let hop = 0; frontier.length > 0 && hop < DOWNSTREAM_MAX_HOPS; hop += 1) {
      const next: string[] = [];
      const rows = direction === 'downstream' ? await this.repository.downstreamEdges(frontier, before) : await this.repository.upstreamEdges(frontier, before);
      for (const row of rows) {
        if (datasetIds.size + jobIds.size >= DOWNSTREAM_NODE_BUDGET) {
          truncated = true;
          break;
        }
        jobIds.add(row.job_id);
        const e1 = flow(`d${row.dataset_id}`, `j${row.job_id}`);
        edges.set(`${e1.from}>${e1.to}`, e1);
        if (row.output_id) {
          const e2 = flow(`j${row.job_id}`, `d${row.output_id}`);
          edges.set(`${e2.from}>${e2.to}`, e2);
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
    const datasetUuids = new Map<string, string>();
    const nodes: LineageGraph['nodes'] = [];
    for (const n of datasets) {
      const id = formatNodeId({ type: 'DATASET', namespace: n.namespace, name: n.name });
      ids.set(`d${n.id}`, id);
      datasetUuids.set(id, n.id);
      nodes.push({
        id,
        kind: 'dataset',
        namespace: n.namespace,
        name: n.name,
        sensitivity: n.sensitivity,
        ...(markRoots && rootIds.has(n.id) ? { root: true } : {}),
      });
    }
    for (const n of jobs) {
      const id = formatNodeId({ type: 'JOB', namespace: n.namespace, name: n.name });
      ids.set(`j${n.id}`, id);
      nodes.push({ id, kind: 'job', namespace: n.namespace, name: n.name });
    }
    const graphEdges = [...edges.values()]
      .map((e) => ({ from: ids.get(e.from)!, to: ids.get(e.to)! }))
      .filter((e) => e.from !== undefined && e.to !== undefined)
      .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
    return { graph: { nodes, edges: graphEdges, truncated }, datasetUuids };
  }
}

export interface WalkResult {
  graph: LineageGraph;
  /** Node id → lineage_datasets.id of every dataset reached. */
  datasetUuids: Map<string, string>;
}

/** Edge hops from the roots to every node of a graph whose edges run in data-flow direction. */
export function hopsFrom(graph: LineageGraph, roots: string[], direction: 'downstream' | 'upstream'): Map<string, number> {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    const [a, b] = direction === 'downstream' ? [e.from, e.to] : [e.to, e.from];
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  const hops = new Map(roots.map((r) => [r, 0]));
  let frontier = roots;
  while (frontier.length > 0) {
    const following: string[] = [];
    for (const id of frontier)
      for (const n of next.get(id) ?? [])
        if (!hops.has(n)) {
          hops.set(n, hops.get(id)! + 1);
          following.push(n);
        }
    frontier = following;
  }
  return hops;
}

export function grantOf(row: GrantEvidenceRow): AccessGrant {
  const approvers = row.approver_ids.map((id, i) => ({ id, label: row.approver_labels[i] ?? null }));
  const basis: AccessGrant['basis'] =
    row.decided_automatically || approvers.length === 0
      ? { kind: 'rule', rule: row.rule_id ?? 'unknown rule' }
      : {
          kind: 'approver',
          approver: { id: approvers.map((a) => a.id).join(', '), label: approvers.map((a) => a.label ?? a.id).join(', ') },
        };
  return {
    grantId: row.id,
    dataset: row.dataset,
    grantee: { id: row.grantee_id, label: row.grantee_label },
    basis,
    purpose: `${row.action}: ${row.purpose}`,
    from: row.granted_at.toISOString(),
    to: row.until.toISOString(),
    revokedAt: row.end_reason === 'revoked' && row.ended_at ? row.ended_at.toISOString() : null,
  };
}

/** The names modules give a dataset in audit targets: reports', the access module's, the decision API's by id. */
export function datasetTargets(d: { id: string; namespace: string; name: string }): string[] {
  return [`dataset:${d.namespace}:${d.name}`, `dataset:${d.namespace}/${d.name}`, `dataset:${d.id}`];
}

function actorOf(row: AuditEvidenceRow): Actor | null {
  return row.actor_id ? { id: row.actor_id, label: row.actor_label } : null;
}
