import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';

export type WebhookEvent = 'grant.created' | 'grant.revoked' | 'grant.expired';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxRow {
  id: string;
  event: WebhookEvent;
  grant_id: string;
  target_url: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** The transactional outbox: rows are written in the transaction of the grant change they announce. */
@Injectable()
export class WebhookOutboxRepository {
  constructor(private readonly tx: TransactionHost) {}

  async enqueue(event: WebhookEvent, grantId: string, targets: string[], payload: Record<string, unknown>): Promise<void> {
    if (targets.length === 0) return;
    await this.tx.query(`INSERT INTO access_webhook_outbox (event, grant_id, target_url, payload) SELECT $1, $2, t, $4 FROM unnest($3::text[]) AS t`, [
      event,
      grantId,
      targets,
      JSON.stringify(payload),
    ]);
  }

  /**
   * Claims due deliveries by pushing their next attempt past a lease, so a replica that dies mid-delivery
   * leaves them to be retried rather than lost, and two replicas never send the same one at once.
   */
  claimDue(limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
    return this.tx.query<OutboxRow>(
      `UPDATE access_webhook_outbox SET next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT o.id FROM access_webhook_outbox o
                      WHERE o.status = 'pending' AND o.next_attempt_at <= now()
                        -- one grant's events reach a receiver in order (see migration 0011)
                        AND NOT EXISTS (SELECT 1 FROM access_webhook_outbox e
                                         WHERE e.grant_id = o.grant_id AND e.target_url = o.target_url AND e.id < o.id
                                           AND e.status IN ('pending', 'dead'))
                      ORDER BY o.next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, leaseSeconds],
    );
  }

  async delivered(id: string): Promise<void> {
    await this.tx.query(
      `UPDATE access_webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = now(), last_error = NULL WHERE id = $1`,
      [id],
    );
  }

  async failed(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.tx.query(
      `UPDATE access_webhook_outbox SET attempts = attempts + 1, last_error = $2,
              status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END, next_attempt_at = COALESCE($3, next_attempt_at)
        WHERE id = $1`,
      [id, error.slice(0, 500), retryAt],
    );
  }

  async retry(id: string): Promise<OutboxRow | null> {
    const rows = await this.tx.query<OutboxRow>(
      `UPDATE access_webhook_outbox SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'dead' RETURNING *`,
      [id],
    );
    return rows[0] ?? null;
  }

  list(status: DeliveryStatus | undefined, afterId: string | null, limit: number): Promise<OutboxRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (status) where.push(`status = $${params.push(status)}`);
    if (afterId) where.push(`id < $${params.push(afterId)}`);
    return this.tx.query<OutboxRow>(
      `SELECT * FROM access_webhook_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.push(limit)}`,
      params,
    );
  }
}
