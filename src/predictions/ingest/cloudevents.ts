import { AppError, ErrorCode } from '../../common/app-error';
import { elementStarts, memberSpans } from './json-spans';

export type HalfKind = 'request' | 'response';

/** One inference request or response, as a Seldon Core or KServe logger sent it. */
export interface PredictionEvent {
  kind: HalfKind;
  /** Pairs the request with its response: Seldon v1 `Ce-Requestid`, KServe `Ce-Id`. */
  correlationId: string;
  eventId: string;
  eventType: string;
  source: string;
  modelName: string;
  modelVersion: string;
  /** `ce-time`; null when the sender gave none (the arrival time is used). */
  occurredAt: Date | null;
  /** The remaining CloudEvents attributes and extensions (namespace, endpoint, component, modelid...). */
  attributes: Record<string, string>;
  contentType: string | null;
  payload: unknown;
  /** The payload's JSON text exactly as the logger sent it (what is stored and hashed); null: no payload. */
  payloadText: string | null;
}

export const STRUCTURED_TYPE = 'application/cloudevents+json';
export const BATCH_TYPE = 'application/cloudevents-batch+json';
export const NDJSON_TYPE = 'application/x-ndjson';

export const UNKNOWN_MODEL = 'unknown';
const SPEC_VERSIONS = new Set(['1.0', '0.3', '0.2']);
const PREFIXES = ['io.seldon.serving.', 'org.kubeflow.serving.'];
// Attributes read into their own columns; every other attribute is kept in `attributes`.
const CORE = new Set(['id', 'type', 'source', 'specversion', 'time', 'datacontenttype', 'data', 'data_base64', 'requestid', 'modelversion']);

function fail(field: string, message: string, index?: number): never {
  const where = index === undefined ? '' : `event ${index}: `;
  throw new AppError(ErrorCode.BAD_USER_INPUT, `${where}${message}`, field, index === undefined ? undefined : { index });
}

/**
 * PostgreSQL text (and jsonb) cannot hold U+0000, and JSON with an unpaired surrogate cannot be
 * stored either: such attribute values are refused naming the field, rather than failing the insert.
 */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function checkStorable(value: string, field: string, index?: number): void {
  if (value.includes('\u0000') || UNPAIRED_SURROGATE.test(value)) fail(field, 'contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored', index);
}

/** JSON text of a payload given as a value (not as text): a body that is not JSON is kept as a JSON string. */
function jsonText(payload: unknown): string | null {
  return payload === null || payload === undefined ? null : JSON.stringify(payload);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** KFServing 2020 builds sent extension values JSON-quoted (`"iris"`). */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not JSON after all: keep it as sent
    }
  }
  return value;
}

/**
 * Builds a prediction event from CloudEvents attributes (lower-case names, without the `ce-`
 * prefix) and the data. `at(name)` names the field in errors: a header in binary mode, a JSON
 * pointer in structured mode.
 */
function toEvent(
  attrs: Record<string, string>,
  payload: unknown,
  payloadText: string | null,
  contentType: string | null,
  at: (name: string) => string,
  index?: number,
): PredictionEvent {
  for (const [name, value] of Object.entries(attrs)) {
    checkStorable(name, at(JSON.stringify(name).slice(1, -1)), index);
    checkStorable(value, at(name), index);
  }
  const specversion = attrs['specversion'];
  if (specversion !== undefined && !SPEC_VERSIONS.has(specversion)) fail(at('specversion'), `specversion "${specversion}" is not 1.0, 0.3 or 0.2`, index);
  const type = attrs['type'];
  if (!type) fail(at('type'), 'the CloudEvents type is missing', index);
  const prefix = PREFIXES.find((p) => type.startsWith(p));
  const suffix = prefix ? type.slice(prefix.length) : '';
  if (suffix !== 'inference.request' && suffix !== 'inference.response') {
    fail(at('type'), `type "${type}" is not a Seldon Core or KServe inference request or response`, index);
  }
  const kind: HalfKind = suffix === 'inference.request' ? 'request' : 'response';
  const seldon = prefix === 'io.seldon.serving.';
  // Seldon v1 gives each event its own id and pairs by requestid; KServe (and MLServer) pair by id.
  const correlationId = seldon ? (attrs['requestid'] ?? attrs['id']) : (attrs['id'] ?? attrs['requestid']);
  if (!correlationId) fail(at(seldon ? 'requestid' : 'id'), `no ${seldon ? 'requestid or id' : 'id'} to pair the request and response by`, index);
  if (correlationId.length > 200) fail(at(seldon ? 'requestid' : 'id'), 'the id is longer than 200 characters', index);
  // Seldon's request logger files events that name no model under "unknown"; so does Charter,
  // rather than lose them (PREDICTIONS_REQUIRE_REGISTERED_MODELS refuses them).
  const modelName = unquote(attrs['inferenceservicename'] ?? attrs['inferenceservice'] ?? attrs['modelid'] ?? '') || UNKNOWN_MODEL;
  if (modelName.length > 200) fail(at('inferenceservicename'), 'the model name is longer than 200 characters', index);
  let occurredAt: Date | null = null;
  if (attrs['time'] !== undefined) {
    occurredAt = new Date(attrs['time']);
    // Date() also takes "12345" (year 12345), which PostgreSQL refuses: only RFC 3339 passes.
    if (!RFC3339.test(attrs['time']) || Number.isNaN(occurredAt.getTime())) fail(at('time'), `time "${attrs['time']}" is not an RFC 3339 timestamp`, index);
  }
  const v2Version = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>)['model_version'] : undefined;
  if (typeof v2Version === 'string' && attrs['modelversion'] === undefined) checkStorable(v2Version, `${at('data')}/model_version`, index);
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) if (!CORE.has(name)) attributes[name] = unquote(value);
  return {
    kind,
    correlationId,
    eventId: attrs['id'] ?? `${correlationId}:${kind}`,
    eventType: type,
    source: attrs['source'] ?? '',
    modelName,
    modelVersion: attrs['modelversion'] ?? (typeof v2Version === 'string' ? v2Version : ''),
    occurredAt,
    attributes,
    contentType,
    payload,
    payloadText,
  };
}

/**
 * Binary mode: attributes in `ce-*` headers (any case), the body is the payload as sent; `rawJson`
 * is the body's text when it was parsed as JSON.
 */
export function fromBinary(
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
  contentType: string | null,
  rawJson: string | null = null,
): PredictionEvent {
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('ce-') || value === undefined) continue;
    attrs[lower.slice(3)] = Array.isArray(value) ? value.join(',') : value;
  }
  if (attrs['type'] === undefined) fail('ce-type', 'missing ce-type header: send a CloudEvent (binary mode headers, or application/cloudevents+json)');
  const payload = body === undefined ? null : body;
  return toEvent(attrs, payload, rawJson ?? jsonText(payload), contentType, (name) => `ce-${name}`);
}

/**
 * Structured mode: one JSON object holding the attributes and `data` (or `data_base64`). `text`
 * and `at`: the JSON text the object was parsed from and where it starts, so `data` is kept as sent.
 */
export function fromStructured(value: unknown, pointer = '', index?: number, text?: string, at = 0): PredictionEvent {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(pointer || '/', 'a CloudEvent must be a JSON object', index);
  const event = value as Record<string, unknown>;
  const attrs: Record<string, string> = {};
  for (const [name, v] of Object.entries(event)) {
    if (name === 'data' || name === 'data_base64') continue;
    if (typeof v === 'string') attrs[name.toLowerCase()] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') attrs[name.toLowerCase()] = String(v);
    else if (v !== null) fail(`${pointer}/${name}`, `attribute ${name} must be a string`, index);
  }
  let payload: unknown = event['data'] ?? null;
  let payloadText: string | null = null;
  if (typeof event['data_base64'] === 'string') {
    const decoded = Buffer.from(event['data_base64'], 'base64').toString('utf8');
    try {
      payload = JSON.parse(decoded);
      payloadText = decoded;
    } catch {
      payload = decoded;
      payloadText = jsonText(decoded);
    }
  } else if (payload !== null) {
    const span = text === undefined ? undefined : memberSpans(text, at, ['data']).get('data');
    payloadText = span ? text!.slice(span[0], span[1]) : jsonText(payload);
  }
  return toEvent(attrs, payload, payloadText, attrs['datacontenttype'] ?? null, (name) => `${pointer}/${name}`, index);
}

export function parseJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(field, `invalid JSON: ${(error as Error).message}`);
  }
}

/** `application/cloudevents-batch+json`: a JSON array of structured events (`text`: the body it was parsed from). */
export function fromBatch(value: unknown, text?: string): PredictionEvent[] {
  if (!Array.isArray(value)) fail('/', 'a CloudEvents batch must be a JSON array');
  if (value.length === 0) fail('/', 'the batch holds no events');
  const starts = text === undefined ? [] : elementStarts(text, 0);
  return value.map((event, i) => fromStructured(event, `/${i}`, i, starts[i] === undefined ? undefined : text, starts[i]));
}

/** NDJSON backfill: one structured CloudEvent per line. */
export function fromNdjson(text: string): PredictionEvent[] {
  const events: PredictionEvent[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `line ${i + 1} is not JSON: ${(error as Error).message}`, `line ${i + 1}`, { line: i + 1 });
    }
    try {
      events.push(fromStructured(value, '', undefined, line, 0));
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, `line ${i + 1}: ${error.message}`, `line ${i + 1}${error.field ?? ''}`, { line: i + 1 });
      throw error;
    }
  }
  if (events.length === 0) fail('/', 'the NDJSON body holds no events');
  return events;
}
