import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { AuthorizationService } from '../../authz/authorization.service';
import { AppError } from '../../common/app-error';
import { decodeTimeIdCursor, encodeTimeIdCursor, validatePageSize } from '../../common/graphql/pagination';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { TransactionHost } from '../../database/transaction-host';
import { GovernanceAuditService } from '../../governance-audit/governance-audit.service';
import { principalLabel } from '../../governance-audit/principal-label';
import { formatNodeId } from '../../lineage/graph/node-id';
import { PiiInputError } from '../pii.errors';
import { FORMATS, scanFile, type Format, type ScanOptions, type ScanResult } from '../scanner';
import { loadThresholds, type PiiThresholds } from '../thresholds';
import { PiiScanRepository, type DatasetRow, type ScanRow } from './pii-scan.repository';
import { planTagging } from './pii-tagging';
import { UPLOAD_TYPES, storeUpload } from './scan-upload';

export interface ScanRequest {
  namespace: string;
  name: string;
  contentType: string | undefined;
  query: { format?: string; sample?: string; full?: string; seed?: string; fileName?: string };
  body: unknown;
}

export interface ScanPage {
  rows: ScanRow[];
  hasNextPage: boolean;
  endCursor: string | null;
}

type ScanJob = Pick<ScanOptions, 'format' | 'full' | 'sampleRows' | 'seed'> & { format: Format };

const MAX_SAMPLE_ROWS = 10_000_000;

/** Uploads, the scan job queue, and applying a finished scan to the dataset (tags, sensitivity). */
@Injectable()
export class PiiScanService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PiiScanService.name);
  private thresholds!: PiiThresholds;
  // Scans run one at a time in this process: a full scan already uses every core (worker threads).
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: PiiScanRepository,
    private readonly tx: TransactionHost,
    private readonly audit: GovernanceAuditService,
    private readonly authorization: AuthorizationService,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.thresholds = loadThresholds(this.config.policiesDir);
    // Uploads left by a crash belong to scans failed just below; one process uses a data dir at a time.
    await fs.rm(this.uploadDir, { recursive: true, force: true });
    const interrupted = await this.repository.failInterrupted(this.runner);
    if (interrupted) this.logger.warn(`${interrupted} PII scan(s) interrupted by the last shutdown were marked failed`);
  }

  /** Lets running scans finish before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    await this.queue;
  }

  get uploadDir(): string {
    return path.join(this.config.dataDir, 'pii-uploads');
  }

  /** Where uploads wait: other replicas (other hosts or data dirs) never touch these scans. */
  private get runner(): string {
    return `${hostname()}:${this.config.dataDir}`;
  }

  /** Stores the upload, records a queued scan and starts it; answers before the scan runs. */
  async start(principal: Principal, request: ScanRequest): Promise<{ scanId: string }> {
    const dataset = await this.datasetFor(principal, 'pii.scan', request.namespace, request.name);
    const job = parseJob(request.contentType, request.query);
    const upload = await storeUpload(request.body, this.uploadDir, job.format, this.config.scanUploadLimitBytes);
    const fileName = request.query.fileName?.slice(0, 255) ?? null;
    try {
      const scanId = await this.tx.run(async () => {
        const id = await this.repository.insertScan({
          datasetId: dataset.id,
          requestedBy: principal.id,
          fileName,
          sha256: upload.sha256,
          sizeBytes: upload.sizeBytes,
          format: job.format,
          runner: this.runner,
        });
        await this.audit.record({
          action: 'pii.scan.request',
          decision: 'allow',
          actorId: principal.id,
          actorLabel: principalLabel(principal),
          target: formatNodeId({ type: 'DATASET', namespace: dataset.namespace, name: dataset.name }),
          details: { scanId: id, sha256: upload.sha256, sizeBytes: upload.sizeBytes, format: job.format, domain: dataset.domain },
        });
        return id;
      });
      const next = this.queue.then(() => this.tx.outside(() => this.run(scanId, upload.file, job, fileName ?? 'upload', principal)));
      this.queue = next.catch(() => undefined);
      return { scanId };
    } catch (error) {
      await fs.rm(upload.file, { force: true });
      throw error;
    }
  }

  async find(principal: Principal, id: string): Promise<ScanRow> {
    const scan = await this.repository.findScan(id);
    if (!scan || !this.authorization.check(principal, 'pii.read', scan.domain).allowed) throw AppError.notFound(`PII scan ${id}`);
    return scan;
  }

  async list(principal: Principal, namespace: string, name: string, first: number, after?: string | null): Promise<ScanPage> {
    validatePageSize(first);
    const dataset = await this.datasetFor(principal, 'pii.read', namespace, name);
    let cursor: { createdAt: string; id: string } | undefined;
    if (after) {
      const { at, id } = decodeTimeIdCursor(after);
      cursor = { createdAt: at, id };
    }
    const rows = await this.repository.listScans(dataset.id, first + 1, cursor);
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return { rows: page, hasNextPage: rows.length > first, endCursor: last ? encodeTimeIdCursor(last.created_at, last.id) : null };
  }

  /** The dataset, if it exists and `permission` is granted in its domain; otherwise "not found". */
  async datasetFor(principal: Principal, permission: string, namespace: string, name: string): Promise<DatasetRow> {
    const dataset = await this.repository.findDataset(namespace, name);
    if (!dataset || !this.authorization.check(principal, permission, dataset.domain).allowed) throw AppError.notFound(`dataset ${namespace}:${name}`);
    return dataset;
  }

  private async run(id: string, file: string, job: ScanJob, displayName: string, principal: Principal): Promise<void> {
    try {
      await this.repository.markRunning(id);
      const result = await scanFile(file, { ...job, thresholds: this.thresholds });
      await this.tx.run(() => this.apply(id, result, displayName, principal));
    } catch (error) {
      // A file the scanner cannot read is the uploader's problem and says why; anything else is ours.
      const message = error instanceof PiiInputError ? error.message.split(file).join(displayName) : 'internal error while scanning; see the server log';
      if (!(error instanceof PiiInputError)) this.logger.error({ err: error, scanId: id }, 'PII scan failed');
      await this.repository.markFailed(id, message).catch((e: unknown) => this.logger.error({ err: e, scanId: id }, 'could not mark PII scan failed'));
    } finally {
      await fs.rm(file, { force: true });
    }
  }

  /** Stores the result, re-tags the fields and sets the sensitivity: one transaction. */
  private async apply(id: string, result: ScanResult, displayName: string, principal: Principal): Promise<void> {
    const scan = (await this.repository.findScan(id))!;
    const dataset = await this.repository.lockDataset(scan.dataset_id);
    const fields = await this.repository.fieldTags(dataset.id);
    const verdicts = await this.repository.verdicts(dataset.id);
    const plan = planTagging({
      columns: result.columns,
      fields: fields.map((f) => f.name),
      verdicts,
      datasetTags: dataset.tags,
      rules: this.thresholds.sensitivity,
    });
    const report = {
      file: displayName,
      format: result.format,
      rows: result.rows,
      sampled: result.sampled,
      detectedSensitivity: result.sensitivity,
      sensitivity: plan.sensitivity,
      columns: result.columns.map((c) => {
        const field = plan.columnField.get(c.name) ?? null;
        return { ...c, field, tags: field ? (plan.fieldTags.get(field) ?? []) : [] };
      }),
    };
    await this.repository.markSucceeded(id, {
      rows: result.rows,
      sampled: result.sampled.rows,
      sampleMethod: result.sampled.method,
      sensitivity: plan.sensitivity,
      result: report,
    });
    await this.repository.replaceFieldPiiTags(dataset.id, plan.fieldTags);
    await this.repository.updateDataset(dataset.id, plan.datasetTags, plan.sensitivity);
    if (plan.sensitivity !== dataset.sensitivity) {
      await this.audit.record({
        action: 'pii.sensitivity.change',
        decision: 'allow',
        actorId: principal.id,
        actorLabel: principalLabel(principal),
        target: formatNodeId({ type: 'DATASET', namespace: dataset.namespace, name: dataset.name }),
        details: { before: dataset.sensitivity, after: plan.sensitivity, scanId: id, domain: dataset.domain },
      });
    }
  }
}

function parseJob(contentType: string | undefined, query: ScanRequest['query']): ScanJob {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(type in UPLOAD_TYPES)) {
    throw AppError.badInput('content-type', `content-type must be one of ${Object.keys(UPLOAD_TYPES).join(', ')}`);
  }
  let format = UPLOAD_TYPES[type] ?? null;
  if (query.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(query.format)) throw AppError.badInput('format', `format must be one of ${FORMATS.join(', ')}`);
    if (format && format !== query.format) throw AppError.badInput('format', `format=${query.format} contradicts content-type ${type}`);
    format = query.format as Format;
  }
  if (!format) throw AppError.badInput('format', 'application/octet-stream needs ?format=csv|jsonl|parquet');
  const full = query.full === 'true';
  if (query.full !== undefined && !['true', 'false'].includes(query.full)) throw AppError.badInput('full', 'full must be true or false');
  if (full && query.sample !== undefined) throw AppError.badInput('sample', 'give either sample or full=true, not both');
  return { format, full, sampleRows: intParam('sample', query.sample, 1, MAX_SAMPLE_ROWS), seed: intParam('seed', query.seed, 0, 2 ** 31 - 1) };
}

function intParam(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw AppError.badInput(name, `${name} must be an integer between ${min} and ${max}`);
  return n;
}
