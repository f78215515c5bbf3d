import type { PredictionSettingsRow } from './settings/prediction-settings.repository';
import type { FeedbackRow, HalfRow } from './query/predictions.repository';
import type { PredictionView } from './query/predictions.service';
import { PairStatusEnum, type PredictionFeedbackType, type PredictionHalfType, type PredictionSettingsType, type PredictionType } from './dto/prediction.type';

// KServe's logger copies request headers the operator chose to log into `metadata` (and
// `annotations`): they may carry user ids or tokens, so they are shown with the payloads only.
const LOGGED_HEADER_ATTRIBUTES = new Set(['metadata', 'annotations']);

function withoutLoggedHeaders(attributes: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => !LOGGED_HEADER_ATTRIBUTES.has(name)));
}

function toHalf(h: HalfRow | null, payloadsShown: boolean): PredictionHalfType | null {
  if (!h) return null;
  return {
    kind: h.kind,
    seq: Number(h.seq),
    eventId: h.event_id,
    eventType: h.event_type,
    source: h.source,
    modelVersion: h.model_version,
    occurredAt: h.occurred_at,
    receivedAt: h.received_at,
    attributes: payloadsShown ? h.attributes : withoutLoggedHeaders(h.attributes),
    contentType: h.content_type,
    payload: payloadsShown ? h.payload : null,
    sender: h.sender,
    prevHash: h.prev_hash,
    recordHash: h.record_hash,
  };
}

function toFeedback(f: FeedbackRow): PredictionFeedbackType {
  return { id: f.id, truth: f.truth, reward: f.reward, sender: f.sender, receivedAt: f.received_at };
}

export function toPrediction(v: PredictionView): PredictionType {
  const r = v.record;
  return {
    requestId: r.correlation_id,
    modelName: r.model_name,
    modelVersion: r.model_version,
    status: PairStatusEnum[v.status],
    firstAt: r.first_at,
    latencyMs: r.request_at && r.response_at ? r.response_at.getTime() - r.request_at.getTime() : null,
    request: toHalf(v.request, v.payloadsShown),
    response: toHalf(v.response, v.payloadsShown),
    feedback: v.feedback.map(toFeedback),
  };
}

export function toPredictionFeedback(f: FeedbackRow): PredictionFeedbackType {
  return toFeedback(f);
}

export function toPredictionSettings(s: PredictionSettingsRow): PredictionSettingsType {
  return {
    modelName: s.model_name,
    redactFields: s.redact_fields,
    pseudonymiseFields: s.pseudonymise_fields,
    scanTextFields: s.scan_text_fields,
    subjectField: s.subject_field,
    retentionDays: s.retention_days,
    minHourlyVolume: s.min_hourly_volume,
    updatedBy: s.updated_by,
    updatedAt: s.updated_at,
  };
}
