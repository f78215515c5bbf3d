import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';
import type { AccessAction, AccessFacts } from './rules/access-rules';

export type RequestStatus = 'approved' | 'denied' | 'escalated';
export type ReviewStage = 'owner' | 'risk_officer';

export interface AccessRequestRow {
  id: string;
  requester_id: string;
  dataset_id: string;
  fields: string[];
  action: AccessAction;
  purpose: string;
  justification: string;
  duration_days: number;
  status: RequestStatus;
  stage: ReviewStage | null;
  required_approvals: number;
  decided_automatically: boolean;
  rule_id: string | null;
  rule_file: string | null;
  reason: string | null;
  facts: AccessFacts;
  created_at: Date;
  escalated_at: Date | null;
  stage_changed_at: Date | null;
  decided_at: Date | null;
}

export interface ApprovalRow {
  request_id: string;
  approver_id: string;
  approver_label: string | null;
  decision: 'approve' | 'deny';
  authority: 'owner' | 'risk_officer';
  reason: string | null;
  /** Approvals only: a shorter duration than asked, or null for the requested one. */
  duration_days: number | null;
  decided_at: Date;
}

export interface GrantRow {
  id: string;
  request_id: string;
  principal_id: string;
  dataset_id: string;
  action: AccessAction;
  fields: string[];
  granted_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: 'revoked' | 'expired' | null;
  ended_by: string | null;
  end_note: string | null;
  policy_rule_id: string | null;
}

/** A live grant as the decision index holds it, with the names a data platform may ask by. */
export interface LiveGrantRow {
  id: string;
  principal_id: string;
  email: string | null;
  dataset_id: string;
  namespace: string;
  name: string;
  action: AccessAction;
  fields: string[];
  expires_at: Date;
}

export interface InboxFilter {
  status?: RequestStatus;
  stage?: ReviewStage;
  datasetId?: string;
  requesterId?: string;
  /** Only requests on datasets whose owner is one of these (an owner's inbox). */
  ownerIn?: string[];
  /** Only requests on datasets in these domains (a risk officer's inbox); `*` means all. */
  domainIn?: string[];
  /** Only requests this principal has not approved or denied. */
  notDecidedBy?: string;
}

export interface GrantFilter {
  principalId?: string;
  datasetId?: string;
  activeOnly?: boolean;
}

const REQUEST_COLUMNS = `r.id, r.requester_id, r.dataset_id, r.fields, r.action, r.purpose, r.justification, r.duration_days, r.status, r.stage,
  r.required_approvals, r.decided_automatically, r.rule_id, r.rule_file, r.reason, r.facts, r.created_at, r.escalated_at, r.stage_changed_at, r.decided_at`;

/** Requests, approvals, grants and requester facts. Pages are keyset on (created_at, id) newest first. */
@Injectable()
export class AccessRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** A transaction of its own, for background work that must not join whatever context scheduled it. */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.tx.outside(() => this.tx.run(fn));
  }

  async requesterFacts(principalId: string): Promise<{ attestations: string[]; openViolations: number }> {
    const rows = await this.tx.query<{ attestations: string[]; open_violations: number }>(
      `SELECT ARRAY(SELECT kind FROM access_attestations WHERE principal_id = $1 AND (expires_at IS NULL OR expires_at > now()) ORDER BY kind) AS attestations,
              (SELECT count(*)::int FROM access_violations WHERE principal_id = $1 AND closed_at IS NULL) AS open_violations`,
      [principalId],
    );
    return { attestations: rows[0]!.attestations, openViolations: rows[0]!.open_violations };
  }

  async insertRequest(r: Omit<AccessRequestRow, 'id' | 'created_at' | 'stage_changed_at'>): Promise<AccessRequestRow> {
    const rows = await this.tx.query<AccessRequestRow>(
      `INSERT INTO access_requests (requester_id, dataset_id, fields, action, purpose, justification, duration_days, status, stage, required_approvals,
                                    decided_automatically, rule_id, rule_file, reason, facts, escalated_at, stage_changed_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17)
       RETURNING ${REQUEST_COLUMNS.replaceAll('r.', '')}`,
      [
        r.requester_id,
        r.dataset_id,
        r.fields,
        r.action,
        r.purpose,
        r.justification,
        r.duration_days,
        r.status,
        r.stage,
        r.required_approvals,
        r.decided_automatically,
        r.rule_id,
        r.rule_file,
        r.reason,
        JSON.stringify(r.facts),
        r.escalated_at,
        r.decided_at,
      ],
    );
    return rows[0]!;
  }

  async lockRequest(id: string): Promise<AccessRequestRow | null> {
    const rows = await this.tx.query<AccessRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM access_requests r WHERE r.id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  findRequests(ids: string[]): Promise<AccessRequestRow[]> {
    return this.tx.query<AccessRequestRow>(`SELECT ${REQUEST_COLUMNS} FROM access_requests r WHERE r.id = ANY($1::uuid[])`, [ids]);
  }

  async finishRequest(id: string, status: 'approved' | 'denied', reason: string | null): Promise<void> {
    await this.tx.query(`UPDATE access_requests SET status = $2, reason = COALESCE($3, reason), decided_at = now() WHERE id = $1`, [id, status, reason]);
  }

  /** Requests newest first; `after` is the (created_at, id) of the previous page's last row. */
  listRequests(filter: InboxFilter, after: { at: string; id: string } | null, limit: number): Promise<AccessRequestRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.status) add((p) => `r.status = ${p}`, filter.status);
    if (filter.stage) add((p) => `r.stage = ${p}`, filter.stage);
    if (filter.datasetId) add((p) => `r.dataset_id = ${p}`, filter.datasetId);
    if (filter.requesterId) add((p) => `r.requester_id = ${p}`, filter.requesterId);
    if (filter.notDecidedBy)
      add((p) => `NOT EXISTS (SELECT 1 FROM access_approvals a WHERE a.request_id = r.id AND a.approver_id = ${p})`, filter.notDecidedBy);
    if (filter.ownerIn)
      add(
        (p) => `r.dataset_id IN (SELECT id FROM lineage_datasets WHERE lower(owner) = ANY(${p}::text[]))`,
        filter.ownerIn.map((o) => o.toLowerCase()),
      );
    if (filter.domainIn && !filter.domainIn.includes('*'))
      add((p) => `r.dataset_id IN (SELECT id FROM lineage_datasets WHERE domain = ANY(${p}::text[]))`, filter.domainIn);
    if (after) {
      params.push(after.at, after.id);
      where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    return this.tx.query<AccessRequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM access_requests r ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** Escalated requests the owner has not decided within the time limit; locked so replicas share the work. */
  overdueOwnerReviews(olderThan: Date, limit: number): Promise<AccessRequestRow[]> {
    return this.tx.query<AccessRequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM access_requests r
        WHERE r.status = 'escalated' AND r.stage = 'owner' AND r.escalated_at <= $1
        ORDER BY r.escalated_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [olderThan, limit],
    );
  }

  async setStage(id: string, stage: ReviewStage): Promise<void> {
    await this.tx.query(`UPDATE access_requests SET stage = $2, stage_changed_at = now() WHERE id = $1`, [id, stage]);
  }

  async insertApproval(a: Omit<ApprovalRow, 'decided_at'>): Promise<boolean> {
    const rows = await this.tx.query(
      `INSERT INTO access_approvals (request_id, approver_id, approver_label, decision, authority, reason, duration_days) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING request_id`,
      [a.request_id, a.approver_id, a.approver_label, a.decision, a.authority, a.reason, a.duration_days],
    );
    return rows.length > 0;
  }

  approvals(requestIds: string[]): Promise<ApprovalRow[]> {
    return this.tx.query<ApprovalRow>(`SELECT * FROM access_approvals WHERE request_id = ANY($1::uuid[]) ORDER BY decided_at`, [requestIds]);
  }

  async insertGrant(
    g: Pick<GrantRow, 'request_id' | 'principal_id' | 'dataset_id' | 'action' | 'fields' | 'expires_at' | 'policy_rule_id'>,
  ): Promise<GrantRow> {
    const rows = await this.tx.query<GrantRow>(
      `INSERT INTO access_grants (request_id, principal_id, dataset_id, action, fields, expires_at, policy_rule_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [g.request_id, g.principal_id, g.dataset_id, g.action, g.fields, g.expires_at, g.policy_rule_id],
    );
    return rows[0]!;
  }

  async grantIdsByRequest(requestIds: string[]): Promise<Map<string, string>> {
    const rows = await this.tx.query<{ id: string; request_id: string }>(`SELECT id, request_id FROM access_grants WHERE request_id = ANY($1::uuid[])`, [
      requestIds,
    ]);
    return new Map(rows.map((r) => [r.request_id, r.id]));
  }

  async lockGrant(id: string): Promise<GrantRow | null> {
    const rows = await this.tx.query<GrantRow>(`SELECT * FROM access_grants WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ?? null;
  }

  async endGrant(id: string, reason: 'revoked' | 'expired', by: string | null, note: string | null): Promise<GrantRow> {
    // An expired grant ended when it expired, not when the sweeper noticed.
    const rows = await this.tx.query<GrantRow>(
      `UPDATE access_grants SET ended_at = CASE WHEN $2 = 'expired' THEN expires_at ELSE now() END, end_reason = $2, ended_by = $3, end_note = $4
        WHERE id = $1 RETURNING *`,
      [id, reason, by, note],
    );
    return rows[0]!;
  }

  /** Grants past their expiry that nobody has ended yet; locked so replicas share the sweep. */
  dueExpiries(limit: number): Promise<GrantRow[]> {
    return this.tx.query<GrantRow>(
      `SELECT * FROM access_grants WHERE ended_at IS NULL AND expires_at <= now() ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  liveGrants(): Promise<LiveGrantRow[]> {
    return this.tx.query<LiveGrantRow>(
      `SELECT g.id, g.principal_id, p.email, g.dataset_id, d.namespace, d.name, g.action, g.fields, g.expires_at
         FROM access_grants g JOIN principals p ON p.id = g.principal_id JOIN lineage_datasets d ON d.id = g.dataset_id
        WHERE g.ended_at IS NULL AND g.expires_at > now()`,
    );
  }

  listGrants(filter: GrantFilter, after: { at: string; id: string } | null, limit: number): Promise<GrantRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (filter.principalId) where.push(`principal_id = $${params.push(filter.principalId)}`);
    if (filter.datasetId) where.push(`dataset_id = $${params.push(filter.datasetId)}`);
    if (filter.activeOnly) where.push(`ended_at IS NULL AND expires_at > now()`);
    if (after) where.push(`(granted_at, id) < ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::uuid)`);
    return this.tx.query<GrantRow>(
      `SELECT * FROM access_grants ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY granted_at DESC, id DESC LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /** Grants valid at `at`: granted by then, and neither expired nor ended by then. */
  grantsValidAt(datasetId: string, at: Date): Promise<GrantRow[]> {
    return this.tx.query<GrantRow>(
      `SELECT * FROM access_grants
        WHERE dataset_id = $1 AND granted_at <= $2 AND expires_at > $2 AND (ended_at IS NULL OR ended_at > $2)
        ORDER BY granted_at`,
      [datasetId, at],
    );
  }

  principals(ids: string[]): Promise<{ id: string; email: string | null; name: string | null }[]> {
    return this.tx.query(`SELECT id, email, name FROM principals WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async findPrincipalId(ref: string): Promise<string | null> {
    const rows = await this.tx.query<{ id: string }>(
      /^[0-9a-f-]{36}$/i.test(ref) ? `SELECT id FROM principals WHERE id = $1::uuid` : `SELECT id FROM principals WHERE email = $1 ORDER BY created_at LIMIT 1`,
      [ref],
    );
    return rows[0]?.id ?? null;
  }

  async upsertAttestation(principalId: string, kind: string, expiresAt: Date | null, by: string): Promise<void> {
    await this.tx.query(
      `INSERT INTO access_attestations (principal_id, kind, expires_at, recorded_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (principal_id, kind) DO UPDATE SET expires_at = EXCLUDED.expires_at, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
      [principalId, kind, expiresAt, by],
    );
  }

  async openViolation(principalId: string, description: string, by: string): Promise<{ id: string; opened_at: Date }> {
    const rows = await this.tx.query<{ id: string; opened_at: Date }>(
      `INSERT INTO access_violations (principal_id, description, opened_by) VALUES ($1, $2, $3) RETURNING id, opened_at`,
      [principalId, description, by],
    );
    return rows[0]!;
  }

  async closeViolation(id: string, by: string): Promise<{ principal_id: string } | null> {
    const rows = await this.tx.query<{ principal_id: string }>(
      `UPDATE access_violations SET closed_at = now(), closed_by = $2 WHERE id = $1 AND closed_at IS NULL RETURNING principal_id`,
      [id, by],
    );
    return rows[0] ?? null;
  }
}
