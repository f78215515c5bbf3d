import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { ManifestPart } from './integrity/manifest';

export type ReportKind = 'model' | 'dataset';
export type ReportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type ReportFile = 'pdf' | 'json' | 'manifest';

export interface ReportRow {
  id: string;
  kind: ReportKind;
  target: string;
  domain: string;
  period_from: Date;
  period_to: Date;
  status: ReportStatus;
  progress: number;
  requested_by: string;
  requested_by_label: string | null;
  runner: string | null;
  generated_at: Date | null;
  pack_hash: string | null;
  pdf_sha256: string | null;
  json_sha256: string | null;
  files: ManifestPart[];
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface DownloadRow {
  report_id: string;
  file: ReportFile;
  principal_id: string;
  principal_label: string | null;
  downloaded_at: Date;
}

export interface NewReport {
  kind: ReportKind;
  target: string;
  domain: string;
  from: Date;
  to: Date;
  requestedBy: string;
  requestedByLabel: string | null;
  runner: string;
}

export interface ReportFilter {
  kind?: ReportKind | null;
  status?: ReportStatus | null;
  target?: string | null;
}

@Injectable()
export class ReportRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(r: NewReport): Promise<ReportRow> {
    const rows = await this.tx.query<ReportRow>(
      `INSERT INTO report_jobs (kind, target, domain, period_from, period_to, requested_by, requested_by_label, runner)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [r.kind, r.target, r.domain, r.from, r.to, r.requestedBy, r.requestedByLabel, r.runner],
    );
    return rows[0]!;
  }

  async find(id: string): Promise<ReportRow | undefined> {
    return (await this.tx.query<ReportRow>('SELECT * FROM report_jobs WHERE id = $1', [id]))[0];
  }

  async findByPackHash(packHash: string): Promise<ReportRow | undefined> {
    return (await this.tx.query<ReportRow>(`SELECT * FROM report_jobs WHERE pack_hash = $1 AND status = 'succeeded' LIMIT 1`, [packHash]))[0];
  }

  /** Newest first; the cursor is (created_at, id) of the previous page's last row. */
  async list(filter: ReportFilter, limit: number, after?: { createdAt: string; id: string }): Promise<ReportRow[]> {
    return this.tx.query<ReportRow>(
      `SELECT * FROM report_jobs
       WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR target = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [filter.kind ?? null, filter.status ?? null, filter.target ?? null, after?.createdAt ?? null, after?.id ?? null, limit],
    );
  }

  /** Takes a queued job for this runner; undefined if another process took it first. */
  async claim(id: string, runner: string, generatedAt: Date): Promise<ReportRow | undefined> {
    const rows = await this.tx.query<ReportRow>(
      `UPDATE report_jobs SET status = 'running', runner = $2, started_at = now(), progress = 0, generated_at = COALESCE(generated_at, $3)
       WHERE id = $1 AND status = 'queued' RETURNING *`,
      [id, runner, generatedAt],
    );
    return rows[0];
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.tx.query(`UPDATE report_jobs SET progress = $2 WHERE id = $1 AND status = 'running'`, [id, progress]);
  }

  async markSucceeded(id: string, result: { packHash: string; pdfSha256: string; jsonSha256: string; files: ManifestPart[] }): Promise<void> {
    await this.tx.query(
      `UPDATE report_jobs SET status = 'succeeded', progress = 100, finished_at = now(), pack_hash = $2, pdf_sha256 = $3, json_sha256 = $4, files = $5
       WHERE id = $1`,
      [id, result.packHash, result.pdfSha256, result.jsonSha256, JSON.stringify(result.files)],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.tx.query(`UPDATE report_jobs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [id, error]);
  }

  /**
   * After a restart: this runner's running jobs go back to the queue (their generation time is
   * kept), and so do any runner's jobs running for longer than a pack can take — a replica that
   * died and came back under another name (a new pod) must not leave them running forever. Every
   * queued job id is returned to be run; claiming is atomic, so two replicas run a job once.
   */
  async requeueUnfinished(runner: string): Promise<string[]> {
    await this.tx.query(
      `UPDATE report_jobs SET status = 'queued', progress = 0
        WHERE status = 'running' AND (runner = $1 OR started_at < now() - interval '30 minutes')`,
      [runner],
    );
    const rows = await this.tx.query<{ id: string }>(`SELECT id FROM report_jobs WHERE status = 'queued' ORDER BY created_at, id`);
    return rows.map((r) => r.id);
  }

  async insertDownload(d: Omit<DownloadRow, 'downloaded_at'>): Promise<void> {
    await this.tx.query('INSERT INTO report_downloads (report_id, file, principal_id, principal_label) VALUES ($1, $2, $3, $4)', [
      d.report_id,
      d.file,
      d.principal_id,
      d.principal_label,
    ]);
  }

  /** Downloads of several reports, newest first, for the `downloads` field (one query per page). */
  async downloads(reportIds: string[]): Promise<DownloadRow[]> {
    return this.tx.query<DownloadRow>(
      'SELECT report_id, file, principal_id, principal_label, downloaded_at FROM report_downloads WHERE report_id = ANY($1::uuid[]) ORDER BY downloaded_at DESC, id DESC',
      [reportIds],
    );
  }
}
