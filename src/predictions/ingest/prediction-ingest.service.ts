import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/app-error';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import { scanText } from '../../pii/scan-text';
import { isPersonal } from '../../pii/types';
import { GroupCommitter } from '../../database/group-commit';
import { TransactionHost } from '../../database/transaction-host';
import { chainHash, CURRENT_HASH_VERSION, GENESIS_HASH, halfBody } from '../chain/record-hash';
import { PredictionKeys } from '../settings/prediction-keys';
import type { PredictionSettingsRow } from '../settings/prediction-settings.repository';
import { PredictionSettingsService } from '../settings/prediction-settings.service';
import type { PredictionEvent } from './cloudevents';
import { keyText, REDACTED, replaceAt, valuesAt } from './payload-paths';
import { PredictionIngestRepository, type RecordUpsert } from './prediction-ingest.repository';

export interface PredictionIngestResult {
  /** Halves stored now. */
  accepted: number;
  /** Halves stored before (a logger's retry) or twice in this request: not stored again. */
  duplicates: number;
}

/** A half ready to store: personal data already redacted or pseudonymised. */
interface PreparedHalf {
  event: PredictionEvent;
  subjectHash: string | null;
  /** ce-time, or the arrival time at this server. */
  occurredAt: Date;
  /** halfBody: the canonical JSON the chain hash covers besides seq, arrival time and prev hash. */
  body: string;
  /**
   * The same columns as members of the JSON object the repository inserts (without the chain
   * columns and without braces), with the payload's JSON text as sent.
   */
  json: string;
}

// Halves prepared between two yields to the event loop (about a millisecond of work).
const PREPARE_SLICE = 64;

// One transaction takes at most this many halves from the queue of waiting requests.
const MAX_HALVES_PER_TRANSACTION = 5000;

/**
 * Stores prediction halves. A request's halves are checked and prepared before anything is written
 * and commit together; concurrent requests are group committed, and each caller is answered only
 * after its batch committed.
 */
@Injectable()
export class PredictionIngestService {
  private readonly knownHeads = new Set<string>();
  private readonly committer = new GroupCommitter<PreparedHalf[], PredictionIngestResult>(
    (requests) => this.write(requests),
    MAX_HALVES_PER_TRANSACTION,
    (r) => r.length,
  );

  constructor(
    private readonly repository: PredictionIngestRepository,
    private readonly tx: TransactionHost,
    private readonly settings: PredictionSettingsService,
    private readonly keys: PredictionKeys,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  async ingest(events: PredictionEvent[], sender: string): Promise<PredictionIngestResult> {
    const models = [...new Set(events.map((e) => e.modelName))];
    const settings = await this.settings.forModels(models);
    if (this.config.predictions.requireRegisteredModels) {
      const index = events.findIndex((e) => !settings.get(e.modelName));
      if (index >= 0) {
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `${events.length > 1 ? `event ${index}: ` : ''}model "${events[index]!.modelName}" is not registered for prediction logging (setPredictionSettings)`,
          'inferenceservicename',
          { model: events[index]!.modelName, ...(events.length > 1 ? { index } : {}) },
        );
      }
    }
    const pseudonym = await this.keys.hasher('pseudonym');
    const subject = await this.keys.hasher('subject');
    // Everything that does not depend on the chain position is done here, outside the batch's lock.
    const arrivedAt = new Date();
    const prepared: PreparedHalf[] = [];
    for (const [i, event] of events.entries()) {
      // Preparing a big batch takes milliseconds of CPU: yield now and then, so the answers of the
      // batch in the database are read at once and its transaction (which holds the chain heads) is
      // not stretched by other requests' parsing.
      if (i > 0 && i % PREPARE_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      prepared.push(prepare(event, settings.get(event.modelName) ?? null, pseudonym, subject, sender, arrivedAt));
    }
    return this.committer.submit(prepared);
  }

  private async write(requests: PreparedHalf[][]): Promise<PredictionIngestResult[]> {
    const all = requests.flat();
    const models = [...new Set(all.map((h) => h.event.modelName))].sort();
    const out = await this.tx.run(async () => {
      // Heads are never deleted: once a model's head is known to exist, the insert is skipped.
      const fresh = models.filter((m) => !this.knownHeads.has(m));
      if (fresh.length > 0) await this.repository.createHeads(fresh, GENESIS_HASH);
      const heads = await this.repository.lockHeads(models);
      // A statement of its own, after the locks: its snapshot sees every batch that held them before.
      const stored = await this.repository.storedHalves(all.map((h) => ({ modelName: h.event.modelName, correlationId: h.event.correlationId })));
      const receivedAt = new Date();
      const halves: string[] = [];
      const records = new Map<string, RecordUpsert>();
      const results = requests.map((request) => {
        const result = { accepted: 0, duplicates: 0 };
        for (const half of request) {
          const e = half.event;
          const key = `${e.modelName}\u0000${e.correlationId}`;
          const seen = stored.get(key) ?? { request: false, response: false, events: new Set<string>() };
          // A half is the same event only when its source and id are (CloudEvents' identity); another
          // graph node's half for the same request (Seldon v1) is a different event and is kept.
          const identity = `${e.kind} ${e.source} ${e.eventId}`;
          // Rows stored before migration 0012 name no event: a filled slot there means resent, as before.
          const legacy = seen[e.kind] && ![...seen.events].some((x) => x.startsWith(`${e.kind} `));
          if (seen.events.has(identity) || legacy) {
            result.duplicates++;
            continue;
          }
          const otherNode = seen[e.kind];
          seen[e.kind] = true;
          seen.events.add(identity);
          stored.set(key, seen);
          const head = heads.get(e.modelName)!;
          const seq = head.seq + 1;
          const recordHash = chainHash(head.hash, seq, receivedAt, half.body);
          halves.push(`{"seq":${seq},"receivedAt":"${receivedAt.toISOString()}","prevHash":"${head.hash}","recordHash":"${recordHash}",${half.json}}`);
          heads.set(e.modelName, { seq, hash: recordHash });
          const record = records.get(key) ?? {
            modelName: e.modelName,
            correlationId: e.correlationId,
            modelVersion: '',
            firstAt: receivedAt,
            requestSeq: null,
            requestAt: null,
            responseSeq: null,
            responseAt: null,
            requestReceivedAt: null,
            responseReceivedAt: null,
            subjectHash: null,
            requestEvent: null,
            responseEvent: null,
            otherEvents: [],
          };
          if (record.modelVersion === '') record.modelVersion = e.modelVersion;
          record.subjectHash ??= half.subjectHash;
          if (otherNode) {
            // Chained and stored like any half; the record's slots keep the first node's halves.
            record.otherEvents.push(identity);
          } else if (e.kind === 'request') {
            record.requestEvent = identity;
            record.requestSeq = seq;
            record.requestAt = half.occurredAt;
            record.requestReceivedAt = receivedAt;
          } else {
            record.responseEvent = identity;
            record.responseSeq = seq;
            record.responseAt = half.occurredAt;
            record.responseReceivedAt = receivedAt;
          }
          records.set(key, record);
          result.accepted++;
        }
        return result;
      });
      if (halves.length > 0) {
        await this.repository.write(
          `[${halves.join(',')}]`,
          [...records.values()],
          models.map((m) => ({ modelName: m, ...heads.get(m)! })),
        );
      }
      return results;
    });
    for (const m of models) this.knownHeads.add(m);
    return out;
  }
}

function pseudonymiseText(text: string, pseudonym: (value: string) => string): string {
  let out = '';
  let at = 0;
  for (const span of scanText(text)) {
    if (!isPersonal(span.type) || span.start < at) continue;
    out += `${text.slice(at, span.start)}<${span.type}:${pseudonym(text.slice(span.start, span.end)).slice(0, 16)}>`;
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * Whether a payload can go into the batch's JSON document as it is (nothing to escape; json_to_recordset
 * gives a json column the value's text unchanged). Not when json_to_recordset would change or refuse
 * it: it decodes \u escapes on the way (and refuses \u0000 and unpaired surrogates), drops the
 * whitespace around a value, and makes a JSON null SQL NULL. Those travel as a JSON string, cast to
 * json from text, which keeps them exactly as sent.
 */
function embeddable(text: string): boolean {
  return text.charCodeAt(0) > 32 && text.charCodeAt(text.length - 1) > 32 && text !== 'null' && !text.includes('\\u');
}

function prepare(
  event: PredictionEvent,
  settings: PredictionSettingsRow | null,
  pseudonym: (value: string) => string,
  subject: (value: string) => string,
  sender: string,
  arrivedAt: Date,
): PreparedHalf {
  let payload = event.payload;
  let payloadText = event.payloadText;
  let subjectHash: string | null = null;
  if (settings) {
    // The subject key is read before redaction: it may itself be a field that is redacted.
    if (settings.subject_field) {
      const found = valuesAt(payload, settings.subject_field).find((v) => v !== null && v !== undefined);
      if (found !== undefined) subjectHash = subject(keyText(found));
    }
    // The raw subject id is not stored: in the payload it becomes a pseudonym like the others.
    const pseudonymised = settings.subject_field ? [...settings.pseudonymise_fields, settings.subject_field] : settings.pseudonymise_fields;
    for (const path of pseudonymised) payload = replaceAt(payload, path, (v) => (v === null || v === undefined ? v : `hmac:${pseudonym(keyText(v))}`));
    // Free text: the PII scanner's text detector finds personal data inside the string; each span
    // found becomes a pseudonym tagged with its entity type.
    for (const path of settings.scan_text_fields) payload = replaceAt(payload, path, (v) => (typeof v === 'string' ? pseudonymiseText(v, pseudonym) : v));
    for (const path of settings.redact_fields) payload = replaceAt(payload, path, () => REDACTED);
    // Changed payloads are stored as their re-serialised JSON; the others exactly as sent.
    if (pseudonymised.length > 0 || settings.scan_text_fields.length > 0 || settings.redact_fields.length > 0) {
      payloadText = payload === null || payload === undefined ? null : JSON.stringify(payload);
    }
  }
  const occurredAt = event.occurredAt ?? arrivedAt;
  const columns = {
    modelName: event.modelName,
    kind: event.kind,
    correlationId: event.correlationId,
    eventId: event.eventId,
    eventType: event.eventType,
    source: event.source,
    modelVersion: event.modelVersion,
    occurredAt,
    attributes: event.attributes,
    contentType: event.contentType,
    subjectHash,
    sender,
  };
  let json = JSON.stringify(columns).slice(1, -1);
  if (payloadText !== null) json += embeddable(payloadText) ? `,"payload":${payloadText}` : `,"payloadText":${JSON.stringify(payloadText)}`;
  return { event, subjectHash, occurredAt, body: halfBody({ ...columns, payloadText, hashVersion: CURRENT_HASH_VERSION }), json };
}
