import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';

export interface PrincipalRow {
  id: string;
  kind: 'user' | 'service';
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  idp_groups: string[];
  created_at: Date;
  last_seen_at: Date;
}

@Injectable()
export class PrincipalRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Creates the principal on first sight, refreshes its profile otherwise. `inserted` tells which. */
  async upsert(p: {
    kind: 'user' | 'service';
    issuer: string;
    subject: string;
    email: string | null;
    name: string | null;
    groups: string[];
  }): Promise<{ id: string; inserted: boolean }> {
    const rows = await this.tx.query<{ id: string; inserted: boolean }>(
      `INSERT INTO principals (kind, issuer, subject, email, name, idp_groups)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (issuer, subject) DO UPDATE
         SET kind = EXCLUDED.kind, email = EXCLUDED.email, name = EXCLUDED.name,
             idp_groups = EXCLUDED.idp_groups, last_seen_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
      [p.kind, p.issuer, p.subject, p.email, p.name, p.groups],
    );
    return rows[0]!;
  }

  async findById(id: string): Promise<PrincipalRow | null> {
    const rows = await this.tx.query<PrincipalRow>(`SELECT * FROM principals WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findPeople(ids: readonly string[]): Promise<{ id: string; email: string | null; name: string | null }[]> {
    if (ids.length === 0) return [];
    return this.tx.query(`SELECT id, email, name FROM principals WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Lower-cased e-mails; when several principals share one, the first to sign in (as access requests resolve it). */
  async findPeopleByEmail(emails: readonly string[]): Promise<{ id: string; email: string | null; name: string | null }[]> {
    if (emails.length === 0) return [];
    return this.tx.query(
      `SELECT DISTINCT ON (lower(email)) id, email, name FROM principals WHERE lower(email) = ANY($1::text[]) ORDER BY lower(email), created_at`,
      [emails],
    );
  }
}
