import type { ApiKeyRow } from './api-key.repository';
import type { ApiKeyType } from './dto/api-key.type';
import type { MeType } from './dto/me.type';
import type { Principal } from './principal';

export function toMe(p: Principal): MeType {
  return {
    id: p.id,
    subject: p.subject,
    email: p.email ?? null,
    name: p.name ?? null,
    kind: p.kind,
    roles: [...new Set(p.roles.map((r) => r.role))],
    domains: [...new Set(p.roles.map((r) => r.domain))],
    roleBindings: p.roles,
  };
}

export function toApiKey(row: ApiKeyRow): ApiKeyType {
  return {
    id: row.id,
    name: row.name,
    prefix: `chk_${row.key_prefix}_`,
    roles: row.roles,
    domain: row.domain,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
