import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode, requireValidDate } from '../common/app-error';
import { GovernanceAuditService } from '../governance-audit/governance-audit.service';
import { principalLabel } from '../governance-audit/principal-label';
import { ApiKeyRepository, type ApiKeyRow } from './api-key.repository';
import { CHARTER_ROLES, type CharterRole, type Principal } from './principal';

export const API_KEY_PREFIX = 'chk_';
const KEY_PATTERN = /^chk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
// last_used_at is written at most this often per key, not on every ingest request.
const TOUCH_INTERVAL_MS = 60_000;
// A verified key is trusted this long without asking PostgreSQL again: ingest and the decision API
// authenticate every request, and the lookup was most of their latency. A revocation therefore
// reaches the other replicas within this time (this replica forgets the key at once).
const VERIFIED_TTL_MS = 2_000;
const VERIFIED_MAX_ENTRIES = 10_000;

interface VerifiedKey {
  principal: Principal;
  expiresAt: number | null;
  verifiedAt: number;
}

export interface CreatedApiKey {
  key: ApiKeyRow;
  /** The full secret; returned once, never stored. */
  secret: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

@Injectable()
export class ApiKeyService {
  private readonly lastTouched = new Map<string, number>();
  /** By SHA-256 of the presented secret, so the cache never holds a usable key. */
  private readonly verified = new Map<string, VerifiedKey>();

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: GovernanceAuditService,
  ) {}

  async create(creator: Principal, input: { name: string; roles: string[]; domain?: string | null; expiresAt?: Date | null }): Promise<CreatedApiKey> {
    const name = input.name.trim();
    if (!name || name.length > 200) throw AppError.badInput('input.name', 'name must be 1 to 200 characters');
    if (input.roles.length === 0) throw AppError.badInput('input.roles', 'at least one role is required');
    const unknown = input.roles.find((r) => !(CHARTER_ROLES as readonly string[]).includes(r));
    if (unknown) throw AppError.badInput('input.roles', `unknown role "${unknown}"; roles are ${CHARTER_ROLES.join(', ')}`);
    if (input.expiresAt) requireValidDate('input.expiresAt', input.expiresAt);
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw AppError.badInput('input.expiresAt', 'expiresAt must be in the future');
    const domain = input.domain?.trim() || '*';

    const prefix = randomBytes(6).toString('hex');
    const secret = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const key = await this.keys.insert({
      name,
      prefix,
      hash: sha256(secret),
      roles: [...new Set(input.roles)],
      domain,
      createdBy: creator.id,
      expiresAt: input.expiresAt ?? null,
    });
    await this.audit.record({
      action: 'apiKey.create',
      decision: 'allow',
      actorId: creator.id,
      actorLabel: principalLabel(creator),
      target: `apikey:${key.id}`,
      details: { name, roles: key.roles, domain, expiresAt: key.expires_at?.toISOString() ?? null },
    });
    return { key, secret };
  }

  async revoke(actor: Principal, id: string): Promise<ApiKeyRow> {
    const key = await this.keys.revoke(id, actor.id);
    if (!key) throw AppError.notFound(`API key ${id}`);
    for (const [hash, entry] of this.verified) if (entry.principal.id === id) this.verified.delete(hash);
    await this.audit.record({
      action: 'apiKey.revoke',
      decision: 'allow',
      actorId: actor.id,
      actorLabel: principalLabel(actor),
      target: `apikey:${id}`,
    });
    return key;
  }

  list(afterId: string | null, limit: number): Promise<ApiKeyRow[]> {
    return this.keys.list(afterId, limit);
  }

  /** Resolves a presented key to a service principal, or throws UNAUTHENTICATED with the reason. */
  async authenticate(presented: string): Promise<Principal> {
    const match = KEY_PATTERN.exec(presented);
    if (!match) throw new AppError(ErrorCode.UNAUTHENTICATED, 'malformed API key');
    const presentedHash = sha256(presented);
    const now = Date.now();
    const cached = this.verified.get(presentedHash);
    if (cached && now - cached.verifiedAt < VERIFIED_TTL_MS) {
      if (cached.expiresAt !== null && cached.expiresAt <= now) throw new AppError(ErrorCode.UNAUTHENTICATED, 'API key expired');
      await this.touch(cached.principal.id);
      return cached.principal;
    }
    const key = await this.keys.findByPrefix(match[1]!);
    const expected = Buffer.from(key?.key_hash ?? sha256('absent'), 'hex');
    if (!key || !timingSafeEqual(expected, Buffer.from(presentedHash, 'hex'))) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'unknown API key');
    }
    if (key.revoked_at) throw new AppError(ErrorCode.UNAUTHENTICATED, 'API key revoked');
    if (key.expires_at && key.expires_at.getTime() <= Date.now()) throw new AppError(ErrorCode.UNAUTHENTICATED, 'API key expired');
    await this.touch(key.id);
    const principal: Principal = {
      id: key.id,
      subject: `apikey:${key.id}`,
      kind: 'service',
      via: 'api_key',
      name: key.name,
      roles: key.roles.map((role) => ({ role: role as CharterRole, domain: key.domain })),
    };
    if (this.verified.size >= VERIFIED_MAX_ENTRIES) this.verified.clear();
    this.verified.set(presentedHash, { principal, expiresAt: key.expires_at?.getTime() ?? null, verifiedAt: now });
    return principal;
  }

  private async touch(id: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now);
    await this.keys.touch(id);
  }
}
