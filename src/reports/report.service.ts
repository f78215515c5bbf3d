import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { AuthorizationService } from '../authz/authorization.service';
import { AppError, ErrorCode, requireValidDate } from '../common/app-error';
import { decodeTimeIdCursor, encodeTimeIdCursor, validatePageSize } from '../common/graphql/pagination';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { TransactionHost } from '../database/transaction-host';
import { GovernanceAuditService } from '../governance-audit/governance-audit.service';
import { principalLabel } from '../governance-audit/principal-label';
import { parseNodeId } from '../lineage/graph/node-id';
import { DatasetEvidenceGatherer } from './evidence/dataset-evidence';
import { EvidenceRepository } from './evidence/evidence.repository';
import { ModelEvidenceGatherer } from './evidence/model-evidence';
import { ModelEvidenceRepository } from './evidence/model-evidence.repository';
import { MANIFEST_JSON, PACK_JSON, PACK_PDF, sha256 } from './integrity/manifest';
import { loadOrCreateSigningKey, type ReportSigningKey } from './integrity/signing-key';
import { buildPackFiles } from './pack/pack-files';
import type { Pack } from './pack/pack.types';
import { ReportStorage } from './report-storage';
import { ReportRepository, type DownloadRow, type ReportFile, type ReportKind, type ReportRow, type ReportStatus } from './report.repository';

export interface GenerateReportInput {
  kind: ReportKind;
  target: string;
  from: Date;
  to: Date;
}

export interface ReportListQuery {
  first: number;
  after?: string | null;
  kind?: ReportKind | null;
  status?: ReportStatus | null;
  target?: string | null;
}

export interface ReportPage {
  rows: ReportRow[];
  hasNextPage: boolean;
  endCursor: string | null;
}

export const MAX_PERIOD_DAYS = 732;
/** How long a new job waits for the mutation that created it to commit before giving up on it. */
const VISIBILITY_WAITS_MS = [0, 10, 25, 50, 100, 250, 500, 1000, 2000, 4000, 8000, 15000];
const SCAN_LIMIT = 2000;
const FILE_NAMES = { pdf: PACK_PDF, json: PACK_JSON, manifest: MANIFEST_JSON } as const;

/**
 * Report jobs: requested through GraphQL, run one at a time in this process after the request
 * returns, re-queued at boot if a restart interrupted them, stored in REPORTS_DIR, downloaded
 * through REST with every download recorded and audited.
 */
@Injectable()
export class ReportService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReportService.name);
  private queue: Promise<void> = Promise.resolve();
  private closing = false;
  private key!: ReportSigningKey;
  readonly storage: ReportStorage;

  constructor(
    private readonly repository: ReportRepository,
    private readonly evidence: EvidenceRepository,
    private readonly datasetGatherer: DatasetEvidenceGatherer,
    private readonly models: ModelEvidenceRepository,
    private readonly modelGatherer: ModelEvidenceGatherer,
    private readonly tx: TransactionHost,
    private readonly audit: GovernanceAuditService,
    private readonly authorization: AuthorizationService,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {
    this.storage = new ReportStorage(config.reportsDir);
  }

  async onModuleInit(): Promise<void> {
    this.key = await loadOrCreateSigningKey(this.config.dataDir);
    const ids = await this.repository.requeueUnfinished(this.runner);
    if (ids.length > 0) this.logger.warn(`${ids.length} report job(s) left unfinished by the last shutdown were queued again`);
    for (const id of ids) this.enqueue(id);
  }

  /** Lets the running job finish before the database pool closes; queued ones resume at the next start. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await this.queue;
  }

  get signingKey(): ReportSigningKey {
    return this.key;
  }

  private get runner(): string {
    return `${hostname()}:${this.config.dataDir}`;
  }

  /** Validates, records the job and its audit event (in the caller's transaction), and queues it. */
  async generate(principal: Principal, input: GenerateReportInput): Promise<ReportRow> {
    const from = requireValidDate('input.from', input.from);
    const to = requireValidDate('input.to', input.to);
    if (to.getTime() <= from.getTime()) throw AppError.badInput('input.to', 'input.to must be after input.from');
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000)
      throw AppError.badInput('input.to', `the period may span at most ${MAX_PERIOD_DAYS} days`);
    const { target, domain } = input.kind === 'model' ? await this.modelTarget(principal, input.target) : await this.datasetTarget(principal, input.target);
    const row = await this.tx.run(async () => {
      const created = await this.repository.insert({
        kind: input.kind,
        target,
        domain,
        from,
        to,
        requestedBy: principal.id,
        requestedByLabel: principalLabel(principal),
        runner: this.runner,
      });
      await this.audit.record({
        action: 'report.generate',
        decision: 'allow',
        actorId: principal.id,
        actorLabel: principalLabel(principal),
        target,
        details: { reportId: created.id, kind: input.kind, from: from.toISOString(), to: to.toISOString(), domain },
      });
      return created;
    });
    this.enqueue(row.id);
    return row;
  }

  /** A dataset the caller may report on, or "not found" (never "forbidden": the name alone is information). */
  private async datasetTarget(principal: Principal, target: string): Promise<{ target: string; domain: string }> {
    const id = parseNodeId(target, 'input.target');
    if (id.type !== 'DATASET') throw AppError.badInput('input.target', 'a dataset access pack takes a dataset:<namespace>:<name> node id');
    const dataset = await this.evidence.dataset(id.namespace, id.name);
    if (!dataset || !this.authorization.check(principal, 'report.generate', dataset.domain).allowed)
      throw AppError.notFound(`dataset ${id.namespace}:${id.name}`);
    return { target, domain: dataset.domain };
  }

  private async modelTarget(principal: Principal, target: string): Promise<{ target: string; domain: string }> {
    const { name, version } = parseModelTarget(target);
    const row = await this.models.modelVersion(name, version);
    if (!row || !this.authorization.check(principal, 'report.generate', row.domain).allowed) throw AppError.notFound(`model version ${name}:${version}`);
    return { target: `model:${name}:${version}`, domain: row.domain };
  }

  /** The report, if `permission` is granted in its domain; otherwise "not found". */
  async find(principal: Principal, id: string, permission = 'report.read'): Promise<ReportRow> {
    const row = await this.repository.find(id);
    if (!row || !this.authorization.check(principal, permission, row.domain).allowed) throw AppError.notFound(`report ${id}`);
    return row;
  }

  /** Newest first, only reports in domains where the caller may read them. */
  async list(principal: Principal, q: ReportListQuery): Promise<ReportPage> {
    validatePageSize(q.first);
    let after = q.after ? parseCursor(q.after) : undefined;
    const visible: ReportRow[] = [];
    let lastScanned: ReportRow | undefined;
    let sourceHasMore = true;
    for (let scanned = 0; visible.length <= q.first && sourceHasMore && scanned < SCAN_LIMIT;) {
      const batch = await this.repository.list({ kind: q.kind, status: q.status, target: q.target }, q.first + 1, after);
      scanned += batch.length;
      sourceHasMore = batch.length === q.first + 1;
      for (const row of batch) {
        lastScanned = row;
        if (this.authorization.check(principal, 'report.read', row.domain).allowed) visible.push(row);
        if (visible.length > q.first) break;
      }
      if (lastScanned) after = { createdAt: lastScanned.created_at.toISOString(), id: lastScanned.id };
    }
    const rows = visible.slice(0, q.first);
    const full = visible.length > q.first;
    const hasNextPage = full || sourceHasMore;
    // A page cut short by the scan limit resumes after the last row scanned, not the last shown.
    const resumeAt = full ? rows.at(-1) : hasNextPage ? lastScanned : rows.at(-1);
    return { rows, hasNextPage, endCursor: resumeAt ? encodeTimeIdCursor(resumeAt.created_at, resumeAt.id) : null };
  }

  /** The report signing key's public half (PEM), for auditors who verify packs offline. */
  publicKeyPem(): string {
    return this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  downloads(reportIds: string[]): Promise<DownloadRow[]> {
    return this.repository.downloads(reportIds);
  }

  /**
   * The file's bytes for an authorised caller, after checking them against the hash recorded when
   * the pack was made; the download is recorded and audited in the same transaction.
   */
  async download(principal: Principal, id: string, file: ReportFile): Promise<{ row: ReportRow; data: Buffer }> {
    const row = await this.find(principal, id);
    if (row.status !== 'succeeded') throw new AppError(ErrorCode.CONFLICT, `report ${id} is ${row.status}, not ready to download`);
    const name = FILE_NAMES[file];
    const data = await this.storage.read(id, name);
    const expected = row.files.find((f) => f.name === name)?.sha256;
    if (!data || sha256(data) !== expected) {
      this.logger.error({ reportId: id, file }, 'stored report file is missing or does not match its recorded SHA-256');
      throw new AppError(ErrorCode.INTERNAL, `the stored ${file} of report ${id} is missing or altered; generate the report again`);
    }
    await this.tx.run(async () => {
      await this.repository.insertDownload({ report_id: id, file, principal_id: principal.id, principal_label: principalLabel(principal) });
      await this.audit.record({
        action: 'report.download',
        decision: 'allow',
        actorId: principal.id,
        actorLabel: principalLabel(principal),
        target: row.target,
        details: { reportId: id, file, packHash: row.pack_hash, domain: row.domain },
      });
    });
    return { row, data };
  }

  private enqueue(id: string): void {
    const next = this.queue.then(() => this.tx.outside(() => this.runWhenVisible(id)));
    this.queue = next.catch((error: unknown) => this.logger.error({ err: error, reportId: id }, 'report job crashed'));
  }

  /** The job row commits with the mutation, after generate() returns: wait for it, then claim it. */
  private async runWhenVisible(id: string): Promise<void> {
    for (const wait of VISIBILITY_WAITS_MS) {
      if (this.closing) return;
      if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
      const claimed = await this.repository.claim(id, this.runner, new Date());
      if (claimed) return this.run(claimed);
      // Another process took it, or it already ran. Still queued: the mutation committed between the
      // claim and this read, so claim again.
      const seen = await this.repository.find(id);
      if (seen && seen.status !== 'queued') return;
    }
    // Never committed (the mutation rolled back): nothing to run.
  }

  private async gather(row: ReportRow, progress: (percent: number) => Promise<void>): Promise<Pack> {
    const common = {
      reportId: row.id,
      period: { from: row.period_from.toISOString(), to: row.period_to.toISOString() },
      generatedAt: row.generated_at!,
      generatedBy: { id: row.requested_by, label: row.requested_by_label },
    };
    if (row.kind === 'model') {
      const { name, version: v } = parseModelTarget(row.target);
      const version = await this.models.modelVersion(name, v);
      if (!version) throw new AppError(ErrorCode.NOT_FOUND, `model version ${row.target} no longer exists`);
      return this.modelGatherer.gather({ ...common, version }, progress);
    }
    const id = parseNodeId(row.target);
    const dataset = id.type === 'DATASET' ? await this.evidence.dataset(id.namespace, id.name) : undefined;
    if (!dataset) throw new AppError(ErrorCode.NOT_FOUND, `dataset ${row.target} no longer exists`);
    return this.datasetGatherer.gather({ ...common, dataset }, progress);
  }

  private async run(row: ReportRow): Promise<void> {
    try {
      const progress = (percent: number): Promise<void> => this.repository.setProgress(row.id, percent);
      await progress(5);
      const pack = await this.gather(row, progress);
      const files = await buildPackFiles(pack, this.key);
      await progress(90);
      await this.storage.write(row.id, files);
      const written = [PACK_PDF, PACK_JSON].map((name) => files.manifest.parts.find((p) => p.name === name)!);
      written.push({ name: MANIFEST_JSON, sha256: sha256(files.manifestJson), bytes: files.manifestJson.length });
      await this.tx.run(async () => {
        await this.repository.markSucceeded(row.id, {
          packHash: files.packHash,
          pdfSha256: sha256(files.pdf),
          jsonSha256: sha256(files.packJson),
          files: written,
        });
        await this.audit.record({
          action: 'report.complete',
          decision: 'allow',
          actorId: row.requested_by,
          actorLabel: row.requested_by_label,
          target: row.target,
          details: { reportId: row.id, packHash: files.packHash, domain: row.domain },
        });
      });
    } catch (error) {
      // Our own errors say what the requester can fix; anything else is logged, not shown.
      const message = error instanceof AppError ? error.message : 'internal error while generating the report; see the server log';
      if (!(error instanceof AppError)) this.logger.error({ err: error, reportId: row.id }, 'report generation failed');
      await this.tx
        .run(async () => {
          await this.repository.markFailed(row.id, message);
          await this.audit.record({
            action: 'report.fail',
            decision: 'error',
            actorId: row.requested_by,
            actorLabel: row.requested_by_label,
            target: row.target,
            reason: message,
            details: { reportId: row.id, domain: row.domain },
          });
        })
        .catch((e: unknown) => this.logger.error({ err: e, reportId: row.id }, 'could not mark report failed'));
    }
  }
}

/** `model:<name>:<version>`; the version is after the last colon, so model names may contain colons. */
export function parseModelTarget(target: string): { name: string; version: string } {
  const m = /^model:(.+):([^:]+)$/.exec(target);
  if (!m || target.length > 600) throw AppError.badInput('input.target', 'a model audit pack takes model:<model name>:<version>');
  return { name: m[1]!, version: m[2]! };
}

function parseCursor(cursor: string): { createdAt: string; id: string } {
  const { at, id } = decodeTimeIdCursor(cursor);
  return { createdAt: at, id };
}
