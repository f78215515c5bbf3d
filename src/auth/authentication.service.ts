import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { AppError, ErrorCode } from '../common/app-error';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { GovernanceAuditService } from '../governance-audit/governance-audit.service';
import { principalLabel } from '../governance-audit/principal-label';
import { API_KEY_PREFIX, ApiKeyService } from './api-key.service';
import type { Principal } from './principal';
import { PrincipalRepository } from './principal.repository';
import { RoleMapping } from './role-mapping';
import { TOKEN_VERIFIER } from './auth.tokens';
import { TokenRejected, type TokenVerifier } from './token-verifier';

// Principals are upserted on first sight and when their profile changes; afterwards a verified
// token resolves from memory, refreshing last_seen_at at most this often.
const PRINCIPAL_CACHE_TTL_MS = 5 * 60_000;
const PRINCIPAL_CACHE_MAX = 10_000;

@Injectable()
export class AuthenticationService {
  private readonly logger = new Logger(AuthenticationService.name);
  private readonly roleMapping: RoleMapping;
  private readonly principals = new Map<string, { principal: Principal; expires: number }>();

  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    @Inject(TOKEN_VERIFIER) private readonly verifier: TokenVerifier,
    private readonly principalRepository: PrincipalRepository,
    private readonly apiKeys: ApiKeyService,
    private readonly audit: GovernanceAuditService,
  ) {
    this.roleMapping = RoleMapping.load(config.policiesDir);
  }

  /**
   * Turns an `Authorization` header into a principal. Any failure is audited and thrown as
   * UNAUTHENTICATED with the reason; the token itself is never logged, only a fingerprint.
   */
  async authenticate(authorization: string | undefined, options: { allowApiKeys: boolean; operation: string }): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      const reason = authorization ? 'authorization header is not "Bearer <token>"' : 'missing bearer token';
      await this.reject(reason, options.operation, {});
      throw new AppError(ErrorCode.UNAUTHENTICATED, reason);
    }
    const credential = match[1]!;
    if (credential.startsWith(API_KEY_PREFIX)) {
      if (!options.allowApiKeys) {
        const reason = 'API keys are accepted only on ingest routes; use an access token';
        await this.reject(reason, options.operation, { credential: 'api_key', fingerprint: fingerprint(credential) });
        throw new AppError(ErrorCode.UNAUTHENTICATED, reason);
      }
      try {
        return await this.apiKeys.authenticate(credential);
      } catch (error) {
        if (error instanceof AppError) await this.reject(error.message, options.operation, { credential: 'api_key', fingerprint: fingerprint(credential) });
        throw error;
      }
    }
    let payload: JWTPayload & { sub: string };
    try {
      payload = await this.verifier.verify(credential);
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      await this.reject(error.reason, options.operation, { credential: 'access_token', fingerprint: fingerprint(credential), ...unverifiedHints(credential) });
      throw new AppError(ErrorCode.UNAUTHENTICATED, `invalid access token: ${error.reason}`);
    }
    return this.principalFromToken(payload);
  }

  private async principalFromToken(payload: JWTPayload & { sub: string }): Promise<Principal> {
    const groups = claimAsStrings(payload[this.config.oidc.rolesClaim]);
    const email = typeof payload['email'] === 'string' ? payload['email'] : null;
    const name =
      typeof payload['name'] === 'string' ? payload['name'] : typeof payload['preferred_username'] === 'string' ? payload['preferred_username'] : null;
    const roles = this.roleMapping.rolesFor(groups);
    const issuer = this.verifier.issuer;
    const cacheKey = [issuer, payload.sub, email, name, ...groups].join('\u0000');
    const cached = this.principals.get(cacheKey);
    if (cached && cached.expires > Date.now()) return cached.principal;

    const kind = !email && roles.length > 0 && roles.every((r) => r.role === 'service') ? 'service' : 'user';
    const { id, inserted } = await this.principalRepository.upsert({ kind, issuer, subject: payload.sub, email, name, groups });
    const principal: Principal = { id, subject: `user:${id}`, kind, via: 'oidc', email: email ?? undefined, name: name ?? undefined, roles };
    if (inserted) {
      await this.audit.record({
        action: 'principal.create',
        decision: 'allow',
        actorId: id,
        actorLabel: principalLabel(principal),
        target: `user:${id}`,
        details: { issuer, sub: payload.sub, groups, roles },
      });
    }
    if (this.principals.size >= PRINCIPAL_CACHE_MAX) this.principals.clear();
    this.principals.set(cacheKey, { principal, expires: Date.now() + PRINCIPAL_CACHE_TTL_MS });
    return principal;
  }

  private async reject(reason: string, operation: string, details: Record<string, unknown>): Promise<void> {
    this.logger.warn({ reason, operation }, 'credential rejected');
    await this.audit.recordIndependently({ action: 'authn.reject', decision: 'deny', target: operation, reason, details });
  }
}

function claimAsStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function fingerprint(credential: string): string {
  return createHash('sha256').update(credential).digest('hex').slice(0, 16);
}

/** Claimed (unverified) header and issuer fields help an investigator; they are labelled as such. */
function unverifiedHints(token: string): Record<string, unknown> {
  try {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    return { unverified: { alg: header.alg, kid: header.kid, iss: claims.iss, sub: claims.sub, aud: claims.aud } };
  } catch {
    return {};
  }
}
