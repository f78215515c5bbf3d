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
}

export const POLICY_CHANNEL = 'charter_policy';

/** Casbin's rules in PostgreSQL. Writes also NOTIFY, which PostgreSQL delivers to every replica on commit. */
@Injectable()
export class PolicyRepository {
  constructor(private readonly tx: TransactionHost) {}

  loadAll(): Promise<PolicyRow[]> {
    return this.tx.query(`SELECT id, ptype, v0, v1, v2, v3, v4 FROM casbin_rule ORDER BY id`);
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

  /** Seeds the default policy once per installation; later starts leave admins' changes alone. */
  async seedOnce(rules: { ptype: 'p' | 'g'; values: string[] }[]): Promise<boolean> {
    return this.tx.run(async () => {
      const claimed = await this.tx.query(
        `INSERT INTO system_state (key, value) VALUES ('policy_seeded', to_jsonb(now())) ON CONFLICT DO NOTHING RETURNING key`,
      );
      if (claimed.length === 0) return false;
      for (const rule of rules) {
        await this.tx.query(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, [
          rule.ptype,
          ...pad(rule.values),
        ]);
      }
      await this.notify();
      return true;
    });
  }

  private async notify(): Promise<void> {
    await this.tx.query(`SELECT pg_notify($1, '')`, [POLICY_CHANNEL]);
  }
}

function pad(values: string[]): string[] {
  return [0, 1, 2, 3, 4].map((i) => values[i] ?? '');
}
