import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError, ErrorCode, requireUuid, requireValidDate } from '../../common/app-error';
import { decodeCursor, encodeCursor } from '../../common/graphql/pagination';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { LineageAccess, toNodeView, type NodeView } from './lineage-access';
import {
  LineageCatalogRepository,
  type DatasetDetailsRow,
  type DatasetFactsRow,
  type DatasetListRow,
  type DatasetSearch,
  type DatasetSortKey,
  type JobDetailsRow,
  type RunIoRow,
  type RunRow,
} from './lineage-catalog.repository';
import { formatNodeId } from './node-id';

export interface RunView {
  run: RunRow;
  job: NodeView;
  inputs: { dataset: NodeView; versionId: string | null }[];
  outputs: { dataset: NodeView; versionId: string | null }[];
}

export interface DatasetSearchQuery extends Omit<DatasetSearch, 'after'> {
  first: number;
  after?: string | null;
}

export interface DatasetPage {
  datasets: DatasetDetailsRow[];
  hasNextPage: boolean;
  endCursor: string | null;
}

// A page of search results is filled from at most this many rows, so a caller who may read few of
// the matching datasets gets short pages (with a cursor) rather than a slow one.
const SEARCH_SCAN_LIMIT = 2000;
// Tags and domains end up in policies and PII labels (`PII:EMAIL_ADDRESS`): no spaces or commas.
const TOKEN = /^[A-Za-z0-9_:*.@\-/]{1,200}$/;
const MAX_TAGS = 100;
const MAX_OWNER_LENGTH = 200;

/**
 * Datasets, jobs and runs one at a time or by search, and their curation (tags, owner, domain).
 * Reads answer NOT_FOUND for what the caller may not read; every change is audited in its transaction.
 */
@Injectable()
export class LineageCatalogService {
  constructor(
    private readonly catalog: LineageCatalogRepository,
    private readonly authorization: AuthorizationService,
    private readonly audit: GovernanceAuditService,
  ) {}

  /** Dataset facts (domain, owner, sensitivity, dataset and field tags) for other modules' decisions; no per-caller filtering. */
  datasetFacts(where: { ids: string[] } | { namespace: string; name: string }): Promise<DatasetFactsRow[]> {
    return this.catalog.findDatasetFacts(where);
  }

  async dataset(principal: Principal, namespace: string, name: string, asOf?: Date | null): Promise<DatasetDetailsRow> {
    if (asOf) requireValidDate('asOf', asOf);
    const id = await this.catalog.findDatasetId(namespace, name);
    const [row] = id ? await this.catalog.findDatasetDetails([id], asOf ?? null) : [];
    if (!row || !this.reader(principal).can(row.domain)) throw AppError.notFound(`dataset ${namespace}:${name}`);
    return row;
  }

  async job(principal: Principal, namespace: string, name: string, asOf?: Date | null): Promise<JobDetailsRow> {
    if (asOf) requireValidDate('asOf', asOf);
    const id = await this.catalog.findJobId(namespace, name);
    const [row] = id ? await this.catalog.findJobDetails([id], asOf ?? null) : [];
    if (!row || !this.reader(principal).can(row.domain)) throw AppError.notFound(`job ${namespace}:${name}`);
    return row;
  }

  async run(principal: Principal, runId: string): Promise<RunView> {
    const [run] = await this.catalog.findRuns([requireUuid('id', runId.toLowerCase())]);
    const view = run ? (await this.runViews(this.reader(principal), [run]))[0] : undefined;
    if (!view || view.job.restricted) throw AppError.notFound(`run ${runId}`);
    return view;
  }

  /** Datasets matching every given filter that the caller may read, a page at a time. */
  async datasets(principal: Principal, q: DatasetSearchQuery): Promise<DatasetPage> {
    const access = this.reader(principal);
    const batchSize = q.first + 1;
    let after = q.after ? decodeSearchCursor(q.after, q.sort) : null;
    const visible: DatasetListRow[] = [];
    let lastScanned: DatasetListRow | undefined;
    let sourceHasMore = true;
    for (let scanned = 0; visible.length <= q.first && sourceHasMore && scanned < SEARCH_SCAN_LIMIT;) {
      const batch = await this.catalog.searchDatasets({ ...q, after }, batchSize);
      scanned += batch.length;
      sourceHasMore = batch.length === batchSize;
      for (const row of batch) {
        lastScanned = row;
        if (access.can(row.domain)) visible.push(row);
        if (visible.length > q.first) break;
      }
      if (lastScanned) after = searchKey(lastScanned, q.sort);
    }
    const page = visible.slice(0, q.first);
    const full = visible.length > q.first;
    // A page cut short by the scan limit resumes after the last row scanned, not the last shown.
    const hasNextPage = full || sourceHasMore;
    const resumeAt = full ? page.at(-1) : hasNextPage ? lastScanned : page.at(-1);
    const details = new Map(
      (
        await this.catalog.findDatasetDetails(
          page.map((r) => r.id),
          null,
        )
      ).map((d) => [d.id, d]),
    );
    return {
      datasets: page.flatMap((r) => details.get(r.id) ?? []),
      hasNextPage,
      endCursor: resumeAt ? encodeCursor(JSON.stringify([q.sort, ...searchKey(resumeAt, q.sort)])) : null,
    };
  }

  /** Batch reads behind the per-request DataLoaders; the caller has already checked access. */
  datasetDetails(ids: string[], asOf: Date | null): Promise<DatasetDetailsRow[]> {
    return this.catalog.findDatasetDetails(ids, asOf);
  }

  jobDetails(ids: string[], asOf: Date | null): Promise<JobDetailsRow[]> {
    return this.catalog.findJobDetails(ids, asOf);
  }

  /** Each job's most recently started run, keyed by job id. */
  async latestRuns(principal: Principal, jobIds: string[]): Promise<Map<string, RunView>> {
    const runs = await this.catalog.findLatestRuns(jobIds);
    const views = await this.runViews(this.reader(principal), runs);
    return new Map(views.map((v) => [v.run.job_id, v]));
  }

  async setDatasetTags(principal: Principal, input: { namespace: string; name: string; field?: string | null; tags: string[] }): Promise<DatasetDetailsRow> {
    const tags = normalizeTags(input.tags);
    const dataset = await this.lockDatasetForChange(principal, input.namespace, input.name);
    const target = input.field
      ? formatNodeId({ type: 'DATASET_FIELD', namespace: input.namespace, name: input.name, field: input.field })
      : formatNodeId({ type: 'DATASET', namespace: input.namespace, name: input.name });
    let before: string[];
    if (input.field) {
      const field = await this.catalog.lockDatasetField(dataset.id, input.field);
      if (!field) throw AppError.notFound(`field ${input.field} of dataset ${input.namespace}:${input.name}`);
      before = field.tags;
      await this.catalog.updateDatasetFieldTags(dataset.id, input.field, tags);
    } else {
      before = dataset.tags;
      await this.catalog.updateDataset(dataset.id, { tags });
    }
    await this.record(principal, 'lineage.dataset.setTags', target, { before, after: tags, domain: dataset.domain });
    return (await this.catalog.findDatasetDetails([dataset.id], null))[0]!;
  }

  async setDatasetOwner(principal: Principal, input: { namespace: string; name: string; owner?: string | null }): Promise<DatasetDetailsRow> {
    const owner = normalizeOwner(input.owner);
    const dataset = await this.lockDatasetForChange(principal, input.namespace, input.name);
    await this.catalog.updateDataset(dataset.id, { owner });
    await this.record(principal, 'lineage.dataset.setOwner', formatNodeId({ type: 'DATASET', ...input }), {
      before: dataset.owner,
      after: owner,
      domain: dataset.domain,
    });
    return (await this.catalog.findDatasetDetails([dataset.id], null))[0]!;
  }

  /** Moving a dataset needs `lineage.manage` in the domain it leaves and in the one it joins. */
  async setDatasetDomain(principal: Principal, input: { namespace: string; name: string; domain: string }): Promise<DatasetDetailsRow> {
    const domain = checkToken('input.domain', input.domain);
    const dataset = await this.lockDatasetForChange(principal, input.namespace, input.name);
    this.requireManage(principal, domain);
    await this.catalog.updateDataset(dataset.id, { domain });
    await this.record(principal, 'lineage.dataset.setDomain', formatNodeId({ type: 'DATASET', ...input }), { before: dataset.domain, after: domain });
    return (await this.catalog.findDatasetDetails([dataset.id], null))[0]!;
  }

  async setJobOwner(principal: Principal, input: { namespace: string; name: string; owner?: string | null }): Promise<JobDetailsRow> {
    const owner = normalizeOwner(input.owner);
    const job = await this.lockJobForChange(principal, input.namespace, input.name);
    await this.catalog.updateJob(job.id, { owner });
    await this.record(principal, 'lineage.job.setOwner', formatNodeId({ type: 'JOB', ...input }), { before: job.owner, after: owner, domain: job.domain });
    return (await this.catalog.findJobDetails([job.id], null))[0]!;
  }

  async setJobDomain(principal: Principal, input: { namespace: string; name: string; domain: string }): Promise<JobDetailsRow> {
    const domain = checkToken('input.domain', input.domain);
    const job = await this.lockJobForChange(principal, input.namespace, input.name);
    this.requireManage(principal, domain);
    await this.catalog.updateJob(job.id, { domain });
    await this.record(principal, 'lineage.job.setDomain', formatNodeId({ type: 'JOB', ...input }), { before: job.domain, after: domain });
    return (await this.catalog.findJobDetails([job.id], null))[0]!;
  }

  private reader(principal: Principal): LineageAccess {
    return new LineageAccess(this.authorization, principal);
  }

  private async lockDatasetForChange(principal: Principal, namespace: string, name: string) {
    const dataset = await this.catalog.lockDataset(namespace, name);
    if (!dataset || !this.reader(principal).can(dataset.domain)) throw AppError.notFound(`dataset ${namespace}:${name}`);
    this.requireManage(principal, dataset.domain);
    return dataset;
  }

  private async lockJobForChange(principal: Principal, namespace: string, name: string) {
    const job = await this.catalog.lockJob(namespace, name);
    if (!job || !this.reader(principal).can(job.domain)) throw AppError.notFound(`job ${namespace}:${name}`);
    this.requireManage(principal, job.domain);
    return job;
  }

  private requireManage(principal: Principal, domain: string): void {
    if (!this.authorization.check(principal, 'lineage.manage', domain).allowed) {
      throw new AppError(ErrorCode.FORBIDDEN, `lineage.manage is not granted in domain ${domain}`);
    }
  }

  private async runViews(access: LineageAccess, runs: RunRow[]): Promise<RunView[]> {
    if (runs.length === 0) return [];
    const [jobs, io] = await Promise.all([
      this.catalog.findJobDetails([...new Set(runs.map((r) => r.job_id))], null),
      this.catalog.findRunIo(runs.map((r) => r.id)),
    ]);
    const jobById = new Map(jobs.map((j) => [j.id, j]));
    const ioByRun = new Map<string, RunIoRow[]>();
    for (const row of io) ioByRun.set(row.run_id, [...(ioByRun.get(row.run_id) ?? []), row]);
    return runs.flatMap((run) => {
      const job = jobById.get(run.job_id);
      if (!job) return [];
      const side = (direction: 'input' | 'output') =>
        (ioByRun.get(run.id) ?? [])
          .filter((x) => x.direction === direction)
          .map((x) => ({ dataset: toNodeView({ ...x, key: `d:${x.id}`, type: 'DATASET' }, access), versionId: x.dataset_version_id }));
      return [{ run, job: toNodeView({ ...job, key: `j:${job.id}`, type: 'JOB', tags: [] }, access), inputs: side('input'), outputs: side('output') }];
    });
  }

  private record(principal: Principal, action: string, target: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record({ action, decision: 'allow', actorId: principal.id, actorLabel: principalLabel(principal), target, details });
  }
}

function searchKey(row: DatasetListRow, sort: DatasetSortKey): [string, string] {
  return sort === 'NAME' ? [row.namespace, row.name] : [row.updated_at_key, row.id];
}

function decodeSearchCursor(cursor: string, sort: DatasetSortKey): [string, string] {
  const bad = () => AppError.badInput('after', 'after is not a cursor returned by datasets with this sort');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeCursor(cursor));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== sort || typeof parsed[1] !== 'string' || typeof parsed[2] !== 'string') throw bad();
  if (sort === 'UPDATED_AT' && (Number.isNaN(Date.parse(parsed[1])) || !/^[0-9a-f-]{36}$/.test(parsed[2]))) throw bad();
  return [parsed[1], parsed[2]];
}

function normalizeTags(tags: string[]): string[] {
  if (tags.length > MAX_TAGS) throw AppError.badInput('input.tags', `at most ${MAX_TAGS} tags`);
  tags.forEach((t, i) => checkToken(`input.tags.${i}`, t));
  return [...new Set(tags)].sort();
}

function normalizeOwner(owner: string | null | undefined): string | null {
  if (owner === null || owner === undefined || owner.trim() === '') return null;
  if (owner.length > MAX_OWNER_LENGTH || [...owner].some((c) => c.charCodeAt(0) < 0x20))
    throw AppError.badInput('input.owner', `owner must be at most ${MAX_OWNER_LENGTH} printable characters`);
  return owner.trim();
}

function checkToken(field: string, value: string): string {
  if (!TOKEN.test(value)) throw AppError.badInput(field, `${field} must be 1-200 characters of letters, digits and _ : * . @ - /`);
  return value;
}
export type { DatasetFactsRow } from './lineage-catalog.repository';
