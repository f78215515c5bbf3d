import * as oidc from 'openid-client';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

/** Asymmetric algorithms only: `none` and HMAC (which a public key could be abused to "sign") never verify. */
export const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface TokenVerifierOptions {
  issuerUrl: string;
  audience: string;
  clientId: string;
  clockSkewSeconds: number;
  /** Minimum time between two JWKS fetches triggered by unknown `kid`s. */
  jwksCooldownMs?: number;
}

// A verified token is remembered (until it expires, at most this long) so repeated requests with
// the same token skip the RSA/ECDSA verification, the largest part of the per-request auth cost.
const VERIFIED_CACHE_MAX_AGE_MS = 5 * 60_000;
const VERIFIED_CACHE_MAX_ENTRIES = 10_000;

type VerifiedPayload = JWTPayload & { sub: string };

export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/**
 * Verifies bearer access tokens (JWT) against the issuer found by OpenID discovery.
 * jose's remote key set refetches the JWKS when a token names an unknown `kid`, at most once per
 * cooldown, so a flood of forged `kid`s cannot turn into a flood of requests to the IdP.
 */
export class TokenVerifier {
  private readonly verified = new Map<string, { payload: VerifiedPayload; until: number }>();

  private constructor(
    readonly issuer: string,
    private readonly audience: string,
    private readonly clockSkewSeconds: number,
    private readonly keys: ReturnType<typeof createRemoteJWKSet>,
  ) {}

  static async discover(o: TokenVerifierOptions): Promise<TokenVerifier> {
    const url = new URL(o.issuerUrl);
    const config = await oidc.discovery(url, o.clientId, undefined, undefined, {
      // Plain-HTTP issuers are used in development and inside private networks (compose).
      execute: url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
    });
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) throw new Error(`OIDC_ISSUER_URL=${o.issuerUrl}: discovery document has no jwks_uri`);
    const keys = createRemoteJWKSet(new URL(metadata.jwks_uri), {
      cooldownDuration: o.jwksCooldownMs ?? 30_000,
      cacheMaxAge: 10 * 60_000,
      timeoutDuration: 5_000,
    });
    return new TokenVerifier(metadata.issuer, o.audience, o.clockSkewSeconds, keys);
  }

  async verify(token: string): Promise<VerifiedPayload> {
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit && hit.until > now) return hit.payload;
    if (hit) this.verified.delete(token);
    const payload = await this.verifyUncached(token);
    const expiresMs = (payload.exp ?? 0) * 1000 + this.clockSkewSeconds * 1000;
    if (this.verified.size >= VERIFIED_CACHE_MAX_ENTRIES) this.verified.clear();
    this.verified.set(token, { payload, until: Math.min(expiresMs, now + VERIFIED_CACHE_MAX_AGE_MS) });
    return payload;
  }

  private async verifyUncached(token: string): Promise<VerifiedPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: this.clockSkewSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      return payload as VerifiedPayload;
    } catch (error) {
      throw new TokenRejected(describe(error));
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return 'token not yet valid';
      case 'iat':
        return 'token issued in the future';
      case 'iss':
        return 'wrong issuer';
      case 'aud':
        return 'wrong audience';
      default:
        return `invalid claim ${error.claim}: ${error.reason}`;
    }
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof joseErrors.JWKSTimeout) return 'identity provider key set unreachable';
  if (error instanceof joseErrors.JOSEError) return `malformed token (${error.code})`;
  return 'malformed token';
}
