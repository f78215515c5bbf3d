import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import type { CardContent } from './card-content';

export type CardStatus = 'draft' | 'in_review' | 'approved' | 'changes_requested';
export type RevisionSource = 'registry' | 'edit' | 'import_mct' | 'import_hugging_face';
export type ReviewAction = 'submit' | 'approve' | 'request_changes' | 'comment';

export interface CardRow {
  id: string;
  model_version_id: string;
  status: CardStatus;
  current_revision: number;
  updated_at: Date;
}

export interface RevisionRow {
  card_id: string;
  revision: number;
  content: CardContent;
  content_sha256: string;
  author: string;
  source: RevisionSource;
  created_at: Date;
}

export interface ReviewRow {
  id: string;
  card_id: string;
  revision: number;
  action: ReviewAction;
  actor: string;
  comment: string | null;
  signature: string | null;
  key_id: string | null;
  signed_at: Date | null;
  created_at: Date;
}

const CARD_COLUMNS = 'id, model_version_id, status, current_revision, updated_at';
const REVISION_COLUMNS = 'card_id, revision, content, content_sha256, author, source, created_at';
const REVIEW_COLUMNS = 'id::text, card_id, revision, action, actor, comment, signature, key_id, signed_at, created_at';

/** Cards, their immutable revisions, the review trail and the signing key. */
@Injectable()
export class CardRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insertCard(versionId: string): Promise<CardRow> {
    const rows = await this.tx.query<CardRow>(`INSERT INTO model_cards (model_version_id) VALUES ($1) RETURNING ${CARD_COLUMNS}`, [versionId]);
    return rows[0]!;
  }

  /** The card of a version; `lock` serialises concurrent edits and reviews of one card. */
  async findCard(versionId: string, lock = false): Promise<CardRow | null> {
    const rows = await this.tx.query<CardRow>(`SELECT ${CARD_COLUMNS} FROM model_cards WHERE model_version_id = $1${lock ? ' FOR UPDATE' : ''}`, [versionId]);
    return rows[0] ?? null;
  }

  async updateCard(cardId: string, change: { status: CardStatus; currentRevision?: number }): Promise<CardRow> {
    const rows = await this.tx.query<CardRow>(
      `UPDATE model_cards SET status = $2, current_revision = COALESCE($3, current_revision), updated_at = now() WHERE id = $1 RETURNING ${CARD_COLUMNS}`,
      [cardId, change.status, change.currentRevision ?? null],
    );
    return rows[0]!;
  }

  async insertRevision(r: Omit<RevisionRow, 'created_at'>): Promise<RevisionRow> {
    const rows = await this.tx.query<RevisionRow>(
      `INSERT INTO model_card_revisions (card_id, revision, content, content_sha256, author, source) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${REVISION_COLUMNS}`,
      [r.card_id, r.revision, JSON.stringify(r.content), r.content_sha256, r.author, r.source],
    );
    return rows[0]!;
  }

  async findRevision(cardId: string, revision: number): Promise<RevisionRow | null> {
    const rows = await this.tx.query<RevisionRow>(`SELECT ${REVISION_COLUMNS} FROM model_card_revisions WHERE card_id = $1 AND revision = $2`, [
      cardId,
      revision,
    ]);
    return rows[0] ?? null;
  }

  /** Revisions newest first, without content (listed with the card; content is fetched per revision). */
  revisions(cardId: string): Promise<Omit<RevisionRow, 'content'>[]> {
    return this.tx.query(
      'SELECT card_id, revision, content_sha256, author, source, created_at FROM model_card_revisions WHERE card_id = $1 ORDER BY revision DESC',
      [cardId],
    );
  }

  async authors(cardId: string): Promise<string[]> {
    return (await this.tx.query<{ author: string }>('SELECT DISTINCT author FROM model_card_revisions WHERE card_id = $1', [cardId])).map((r) => r.author);
  }

  async insertReview(r: Omit<ReviewRow, 'id' | 'created_at'>): Promise<ReviewRow> {
    const rows = await this.tx.query<ReviewRow>(
      `INSERT INTO model_card_reviews (card_id, revision, action, actor, comment, signature, key_id, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${REVIEW_COLUMNS}`,
      [r.card_id, r.revision, r.action, r.actor, r.comment, r.signature, r.key_id, r.signed_at],
    );
    return rows[0]!;
  }

  reviews(cardId: string): Promise<ReviewRow[]> {
    return this.tx.query<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM model_card_reviews WHERE card_id = $1 ORDER BY id`, [cardId]);
  }

  approvals(cardId: string, revision: number): Promise<ReviewRow[]> {
    return this.tx.query<ReviewRow>(
      `SELECT ${REVIEW_COLUMNS} FROM model_card_reviews WHERE card_id = $1 AND revision = $2 AND action = 'approve' ORDER BY id`,
      [cardId, revision],
    );
  }

  /** Creates the key once (first caller wins across replicas) and returns the stored one. */
  async signingKey(candidate: { id: string; publicKey: string; privateKey: string }): Promise<{ id: string; public_key: string; private_key: string }> {
    await this.tx.outside(() =>
      this.tx.query('INSERT INTO model_card_signing_keys (id, public_key, private_key) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
        candidate.id,
        candidate.publicKey,
        candidate.privateKey,
      ]),
    );
    const rows = await this.tx.query<{ id: string; public_key: string; private_key: string }>(
      'SELECT id, public_key, private_key FROM model_card_signing_keys WHERE id = $1',
      [candidate.id],
    );
    return rows[0]!;
  }
}
