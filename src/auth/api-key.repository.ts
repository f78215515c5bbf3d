import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../database/transaction-host';

export interface ApiKeyRow {
  id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  roles: string[];
  domain: string;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
}

const COLUMNS = 'id, name, key_prefix, key_hash, roles, domain, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(k: {
    name: string;
    prefix: string;
    hash: string;
    roles: string[];
    domain: string;
    createdBy: string;
    expiresAt: Date | null;
  }): Promise<ApiKeyRow> {
    const rows = await this.tx.query<ApiKeyRow>(
      `INSERT INTO api_keys (name, key_prefix, key_hash, roles, domain, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [k.name, k.prefix, k.hash, k.roles, k.domain, k.createdBy, k.expiresAt],
    );
    return rows[0]!;
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRow | null> {
    const rows = await this.tx.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE key_prefix = $1`, [prefix]);
    return rows[0] ?? null;
  }

  async revoke(id: string, by: string): Promise<ApiKeyRow | null> {
    const rows = await this.tx.query<ApiKeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, by],
    );
    return rows[0] ?? null;
  }

  async touch(id: string): Promise<void> {
    await this.tx.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
  }

  /** Newest first, keyset-paginated on (created_at, id); `afterId` is the last id of the previous page. */
  async list(afterId: string | null, limit: number): Promise<ApiKeyRow[]> {
    return afterId
      ? this.tx.query(
          `SELECT ${COLUMNS} FROM api_keys
           WHERE (created_at, id) < (SELECT created_at, id FROM api_keys WHERE id = $1)
           ORDER BY created_at DESC, id DESC LIMIT $2`,
          [afterId, limit],
        )
      : this.tx.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC LIMIT $1`, [limit]);
  }
}
