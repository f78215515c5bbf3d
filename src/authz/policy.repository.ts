import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';

export interface PolicyRow {
  id: string;
  ptype: 'p' | 'g';
  v0: string;
  v1: string;
  v2: string;
  v3: string;
  v4: string;
  /** Expiry of a time-bound grant line (ISO 8601), empty otherwise; enforced at check time. */
  v5?: string;
}

export const POLICY_CHANNEL = 'charter_policy';

/** Casbin's rules in PostgreSQL. Writes also NOTIFY, which PostgreSQL delivers to every replica on commit. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly tx: TransactionHost) {}

  loadAll(): Promise<PolicyRow[]> {
    return this.tx.query(`SELECT id, ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rule ORDER BY id`);
  }

  async find(ptype: 'p' | 'g', filter: Partial<Record<'v0' | 'v1' | 'v2' | 'v3' | 'v4', string>>, afterId: string | null, limit: number): Promise<PolicyRow[]> {
    const params: unknown[] = [ptype];
    const where = ['ptype = $1'];
    for (const [column, value] of Object.entries(filter)) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    if (afterId) {
      params.push(afterId);
      where.push(`id > $${params.length}`);
    }
    params.push(limit);
    return this.tx.query(`SELECT id, ptype, v0, v1, v2, v3, v4 FROM casbin_rule WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}`, params);
  }

  /** Returns the new row, or null when the identical rule already exists. */
  async insert(ptype: 'p' | 'g', values: string[]): Promise<PolicyRow | null> {
    const rows = await this.tx.query<PolicyRow>(
      `INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING id, ptype, v0, v1, v2, v3, v4`,
      [ptype, ...pad(values)],
    );
    if (rows.length > 0) await this.notify();
    return rows[0] ?? null;
  }

  /** Returns false when no such rule exists. */
  async delete(ptype: 'p' | 'g', values: string[]): Promise<boolean> {
    const rows = await this.tx.query<unknown>(
      `DELETE FROM casbin_rule WHERE ptype = $1 AND v0 = $2 AND v1 = $3 AND v2 = $4 AND v3 = $5 AND v4 = $6 RETURNING id`,
      [ptype, ...pad(values)],
    );
    if (rows.length > 0) await this.notify();
    return rows.length > 0;
  }

  /** Adds an allow line that stops matching at `expiresAt` (kept in v5); returns its id. */
  async insertExpiring(values: [string, string, string, string], expiresAt: Date): Promise<string> {
    // One round trip: the insert and its NOTIFY (delivered on commit) in one statement.
    const rows = await this.tx.query<{ id: string }>(
      `WITH added AS (INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES ('p', $1, $2, $3, $4, 'allow', $5) RETURNING id)
       SELECT id, pg_notify($6, '') FROM added`,
      [...values, expiresAt.toISOString(), POLICY_CHANNEL],
    );
    return rows[0]!.id;
  }

  /** Removes one line by id; false when it was already gone. */
  async deleteById(id: string): Promise<boolean> {
    const rows = await this.tx.query<unknown>(`DELETE FROM casbin_rule WHERE id = $1 RETURNING id`, [id]);
    if (rows.length > 0) await this.notify();
    return rows.length > 0;
  }

  /**
   * Applies the default policy lines never applied before (each line once per installation) and
   * returns how many were new. Later releases' new defaults arrive; lines an admin removed stay removed.
   */
  async applyDefaults(rules: { ptype: 'p' | 'g'; values: string[] }[]): Promise<number> {
    return this.tx.run(async () => {
      let applied = 0;
      for (const rule of rules) {
        const values = pad(rule.values);
        const fresh = await this.tx.query(`INSERT INTO policy_defaults_applied (ptype, rule) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING ptype`, [
          rule.ptype,
          values,
        ]);
        if (fresh.length === 0) continue;
        await this.tx.query(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [
          rule.ptype,
          ...values,
        ]);
        applied++;
      }
      if (applied > 0) await this.notify();
      return applied;
    });
  }

  private async notify(): Promise<void> {
    await this.tx.query(`SELECT pg_notify($1, '')`, [POLICY_CHANNEL]);
  }
}

function pad(values: string[]): string[] {
  return [0, 1, 2, 3, 4].map((i) => values[i] ?? '');
}
