import { MANIFEST_JSON, PACK_PDF } from './integrity/manifest';
import type { ReportDownloadType, ReportFileEnum, ReportKindEnum, ReportStatusEnum, ReportType } from './dto/report.type';
import type { DownloadRow, ReportRow } from './report.repository';

export function toReport(row: ReportRow): ReportType {
  return {
    id: row.id,
    kind: row.kind as ReportKindEnum,
    target: row.target,
    domain: row.domain,
    from: row.period_from,
    to: row.period_to,
    status: row.status as ReportStatusEnum,
    progress: row.progress,
    requestedBy: row.requested_by,
    requestedByLabel: row.requested_by_label,
    generatedAt: row.generated_at,
    packHash: row.pack_hash,
    files: row.files.map((f) => ({
      name: f.name,
      sha256: f.sha256,
      bytes: f.bytes,
      url: `/api/v1/reports/${row.id}.${f.name === PACK_PDF ? 'pdf' : f.name === MANIFEST_JSON ? 'manifest.json' : 'json'}`,
    })),
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export function toDownload(row: DownloadRow): ReportDownloadType {
  return { file: row.file as ReportFileEnum, principalId: row.principal_id, principalLabel: row.principal_label, downloadedAt: row.downloaded_at };
}
