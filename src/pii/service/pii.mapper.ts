import type { TextSpan } from '../scan-text';
import { isPersonal } from '../types';
import type { PiiDetectorPrecisionType, PiiVerdictType, TextSpanType } from './dto/pii-review.type';
import { PiiVerdictEnum } from './dto/pii-review.type';
import type { PiiColumnType, PiiScanStatus, PiiScanType, Sensitivity } from './dto/pii-scan.type';
import type { PrecisionRow, ScanRow, VerdictRow } from './pii-scan.repository';

/** Rows to GraphQL types: the schema never exposes a row's shape. */

interface StoredReport {
  columns?: PiiColumnType[];
}

export function toPiiScan(row: ScanRow): PiiScanType {
  const report = (row.result ?? {}) as StoredReport;
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    status: row.status as PiiScanStatus,
    error: row.error,
    requestedBy: row.requested_by,
    fileName: row.file_name,
    fileSha256: row.file_sha256,
    sizeBytes: Number(row.size_bytes),
    format: row.format,
    rows: row.rows === null ? null : Number(row.rows),
    sampled: row.sampled,
    sampleMethod: row.sample_method,
    sensitivity: row.sensitivity as Sensitivity | null,
    datasetSensitivity: row.dataset_sensitivity as Sensitivity,
    columns: (report.columns ?? []).map((c) => ({
      name: c.name,
      field: c.field ?? null,
      pii: c.pii,
      entities: c.entities.map((e) => ({ type: e.type, score: e.score, matchRatio: e.matchRatio })),
      other: (c.other ?? []).map((e) => ({ type: e.type, score: e.score, matchRatio: e.matchRatio })),
      examples: c.examples,
      tags: c.tags ?? [],
    })),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export function toPiiVerdict(row: VerdictRow, dataset: { namespace: string; name: string }): PiiVerdictType {
  return {
    namespace: dataset.namespace,
    name: dataset.name,
    column: row.column_name,
    entityType: row.entity_type,
    verdict: row.verdict === 'confirmed' ? PiiVerdictEnum.CONFIRMED : PiiVerdictEnum.REJECTED,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    note: row.note,
  };
}

export function toPrecision(row: PrecisionRow): PiiDetectorPrecisionType {
  return { entityType: row.entity_type, confirmed: row.confirmed, rejected: row.rejected, precision: row.confirmed / (row.confirmed + row.rejected) };
}

export function toTextSpan(span: TextSpan): TextSpanType {
  return { type: span.type, personal: isPersonal(span.type), start: span.start, end: span.end, score: span.score, masked: span.masked };
}
