import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PredictionKeys } from '../settings/prediction-keys';
import { GENESIS_HASH, halfHash } from './record-hash';
import { PredictionChainRepository, type ChainRow } from './prediction-chain.repository';

export interface PredictionChainVerification {
  valid: boolean;
  checkedCount: number;
  firstBrokenSeq: number | null;
  problem: string | null;
}

const PAGE = 2000;

export function rowHash(r: ChainRow): string {
  return halfHash({
    modelName: r.model_name,
    seq: Number(r.seq),
    receivedAt: r.received_at,
    kind: r.kind,
    correlationId: r.correlation_id,
    eventId: r.event_id,
    eventType: r.event_type,
    source: r.source,
    modelVersion: r.model_version,
    occurredAt: r.occurred_at,
    attributes: r.attributes,
    contentType: r.content_type,
    payloadText: r.payload_text,
    subjectHash: r.subject_hash,
    sender: r.sender,
    prevHash: r.prev_hash,
    hashVersion: r.hash_version === 1 ? 1 : 2,
  });
}

/** Checkpoint signatures cover the model, the position and the hash there. */
export function checkpointText(model: string, seq: number, hash: string, droppedTo: Date): string {
  return `${model}\n${seq}\n${hash}\n${droppedTo.toISOString()}`;
}

@Injectable()
export class PredictionChainService {
  constructor(
    private readonly repository: PredictionChainRepository,
    private readonly keys: PredictionKeys,
  ) {}

  /**
   * Recomputes a model's chain over the halves received in [from, to) and reports the first broken
   * link: a changed row (its hash), a deleted one (a gap in seq, or a head past the last row), a
   * reordered or swapped one (seq or prev_hash out of line), a stray copy (seq twice).
   */
  async verify(model: string, from: Date | null, to: Date | null): Promise<PredictionChainVerification> {
    const head = await this.repository.head(model);
    const range = await this.repository.seqRange(model, from, to);
    if (!range) {
      if (head && head.seq > 0 && from === null && to === null) return broken(1, 0, `the head is at seq ${head.seq} but no row is stored`);
      return { valid: true, checkedCount: 0, firstBrokenSeq: null, problem: null };
    }
    let expectedPrev: string;
    if (range.min === 1) expectedPrev = GENESIS_HASH;
    else {
      const before = (await this.repository.hashAt(model, range.min - 1)) ?? (await this.checkpointHash(model, range.min - 1));
      if (before === null) return broken(range.min, 0, `row seq ${range.min - 1} is missing (no row and no retention checkpoint)`);
      expectedPrev = before;
    }
    let expectedSeq = range.min;
    let checked = 0;
    for (;;) {
      const rows = await this.repository.page(model, expectedSeq, range.max, PAGE);
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq < expectedSeq) return broken(seq, checked, `seq ${seq} is stored more than once`);
        if (seq > expectedSeq) return broken(expectedSeq, checked, `row seq ${expectedSeq} is missing`);
        if (row.prev_hash !== expectedPrev)
          return broken(seq, checked, `seq ${seq}: prev_hash does not match the hash of seq ${seq - 1} (rows reordered or replaced)`);
        if (rowHash(row) !== row.record_hash) return broken(seq, checked, `seq ${seq}: the row's content does not match its hash (row changed)`);
        expectedPrev = row.record_hash;
        expectedSeq = seq + 1;
        checked++;
      }
      if (rows.length < PAGE) break;
    }
    if (expectedSeq <= range.max) return broken(expectedSeq, checked, `row seq ${expectedSeq} is missing`);
    // The newest rows: the head must point at the last row, so deleting the tail shows too.
    if (head && head.seq >= expectedSeq && (await this.repository.hashAt(model, expectedSeq)) === null) {
      return broken(expectedSeq, checked, `row seq ${expectedSeq} is missing (the chain head is at seq ${head.seq})`);
    }
    if (head && head.seq === expectedSeq - 1 && head.hash !== expectedPrev) return broken(head.seq, checked, `seq ${head.seq} does not match the chain head`);
    return { valid: true, checkedCount: checked, firstBrokenSeq: null, problem: null };
  }

  private async checkpointHash(model: string, seq: number): Promise<string | null> {
    const checkpoint = await this.repository.checkpointAt(model, seq);
    if (!checkpoint) return null;
    const signature = await this.keys.hmac('checkpoint', checkpointText(model, seq, checkpoint.hash, checkpoint.dropped_to));
    const given = Buffer.from(checkpoint.signature, 'utf8');
    const expected = Buffer.from(signature, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected) ? checkpoint.hash : null;
  }
}

function broken(seq: number, checked: number, problem: string): PredictionChainVerification {
  return { valid: false, checkedCount: checked, firstBrokenSeq: seq, problem };
}
