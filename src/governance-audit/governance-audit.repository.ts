import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';

export interface AuditRow {
  seq: string; // bigint arrives as a string from pg
  occurred_at: Date;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target: string | null;
  decision: 'allow' | 'deny' | 'error';
  reason: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface AuditFilter {
  actorId?: string | null;
  action?: string | null;
  decision?: string | null;
  target?: string | null;
  from?: Date | null;
  to?: Date | null;
  /** Exclusive upper bound on seq (cursor). */
  beforeSeq?: string | null;
}

// Serialises appends so each row sees its predecessor's hash; the lock ends with the transaction.
const CHAIN_LOCK_KEY = 7_240_002;

const COLUMNS = 'seq, occurred_at, actor_id, actor_label, action, target, decision, reason, request_id, details, prev_hash, hash';

@Injectable()
export class GovernanceAuditRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Must run inside a transaction (the caller's, or one opened by the service). */
  async lockChainAndReadHead(): Promise<{ seq: number; hash: string } | null> {
    await this.tx.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_KEY]);
    const rows = await this.tx.query<{ seq: string; hash: string }>('SELECT seq, hash FROM governance_audit_events ORDER BY seq DESC LIMIT 1');
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null;
  }

  async insert(row: Omit<AuditRow, 'seq'> & { seq: number }): Promise<void> {
    await this.tx.query(
      `INSERT INTO governance_audit_events (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        row.seq,
        row.occurred_at,
        row.actor_id,
        row.actor_label,
        row.action,
        row.target,
        row.decision,
        row.reason,
        row.request_id,
        JSON.stringify(row.details),
        row.prev_hash,
        row.hash,
      ],
    );
  }

  /** Newest first; returns up to `limit` rows. */
  async find(filter: AuditFilter, limit: number): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.decision) add('decision = ?', filter.decision);
    if (filter.target) add('target = ?', filter.target);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforeSeq) add('seq < ?', filter.beforeSeq);
    params.push(limit);
    return this.tx.query(
      `SELECT ${COLUMNS} FROM governance_audit_events
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Oldest first, from `afterSeq` (exclusive), for chain verification. */
  async scan(afterSeq: number, limit: number): Promise<AuditRow[]> {
    return this.tx.query(`SELECT ${COLUMNS} FROM governance_audit_events WHERE seq > $1 ORDER BY seq ASC LIMIT $2`, [afterSeq, limit]);
  }
}
