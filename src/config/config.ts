import * as path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Everything else receives a `CharterConfig`.
 * Variables are validated at boot; each bad one yields one line naming it.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(fallback);

const positiveInt = (fallback: number) =>
  z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be positive').default(fallback);

const url = (protocols: string[]) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const envSchema = z.object({
  PORT: port(4000),
  HOST: optionalString.default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  CHARTER_DATA_DIR: optionalString.default('./.charter'),
  OIDC_ISSUER_URL: url(['https:', 'http:']),
  OIDC_AUDIENCE: optionalString.default('charter'),
  OIDC_CLIENT_ID: optionalString.default('charter-console'),
  OIDC_CLIENT_SECRET: optionalString,
  OIDC_ROLES_CLAIM: optionalString.default('groups'),
  OIDC_CLOCK_SKEW_SECONDS: z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0).max(300, 'must be at most 300').default(30),
  DEV_IDP_PORT: port(4001),
  REPORTS_DIR: optionalString,
  POLICIES_DIR: optionalString.default('./policies'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
    .default('info'),
  BODY_LIMIT_BYTES: positiveInt(1_048_576),
  INGEST_BODY_LIMIT_BYTES: positiveInt(33_554_432),
  SCAN_UPLOAD_LIMIT_BYTES: positiveInt(1_073_741_824),
  GRAPHQL_MAX_DEPTH: positiveInt(10),
  GRAPHQL_MAX_COMPLEXITY: positiveInt(1000),
  ACCESS_WEBHOOK_URLS: optionalString.refine(
    (v) =>
      v === undefined ||
      v.split(',').every((u) => {
        try {
          return ['http:', 'https:'].includes(new URL(u.trim()).protocol);
        } catch {
          return false;
        }
      }),
    { message: 'must be a comma-separated list of http:// or https:// URLs' },
  ),
  ACCESS_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters' }),
  ACCESS_WEBHOOK_MAX_ATTEMPTS: positiveInt(10),
  ACCESS_WEBHOOK_BACKOFF_MS: positiveInt(1000),
  ACCESS_ESCALATION_SECONDS: positiveInt(172_800),
  ACCESS_SWEEP_INTERVAL_MS: positiveInt(15_000),
  PREDICTIONS_HMAC_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters' }),
  PREDICTIONS_REQUIRE_REGISTERED_MODELS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  PREDICTIONS_PAIRING_TIMEOUT_SECONDS: positiveInt(300),
});

export interface CharterConfig {
  port: number;
  host: string;
  production: boolean;
  nodeEnv: 'development' | 'production' | 'test';
  /** Unset: Charter starts an embedded PostgreSQL in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  policiesDir: string;
  reportsDir: string;
  oidc: {
    /** Unset: the built-in development identity provider is started. */
    issuerUrl?: string;
    audience: string;
    clientId: string;
    clientSecret?: string;
    rolesClaim: string;
    clockSkewSeconds: number;
  };
  devIdpPort: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bodyLimitBytes: number;
  /** Limit for NDJSON bulk bodies (backfills on the ingest routes). */
  ingestBodyLimitBytes: number;
  /** Largest file accepted by the PII scan upload (streamed to disk, never held in memory). */
  scanUploadLimitBytes: number;
  graphql: { maxDepth: number; maxComplexity: number };
  access: {
    /** Receivers of signed grant/revoke/expiry webhooks. */
    webhookUrls: string[];
    /** HMAC-SHA256 key for the webhook signature; required when webhookUrls is set. */
    webhookSecret?: string;
    /** Deliveries failing this many times are dead-lettered (visible in GraphQL), never dropped. */
    webhookMaxAttempts: number;
    /** First retry delay; doubled after each failure, capped at an hour. */
    webhookBackoffMs: number;
    /** How long the dataset owner has before an escalated request also goes to the domain's risk officer. */
    escalationSeconds: number;
    /** How often expired grants, overdue escalations and due webhooks are processed. */
    sweepIntervalMs: number;
  };
  predictions: {
    /** Key for pseudonymised fields, subject hashes and retention checkpoints; unset: generated once and kept in the database. */
    hmacKey?: string;
    /** Refuse events for models without prediction settings (setPredictionSettings). */
    requireRegisteredModels: boolean;
    /** A half whose partner has not arrived after this long is flagged UNMATCHED. */
    pairingTimeoutSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

// Their values may hold credentials; errors name the variable but never print its value.
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'OIDC_CLIENT_SECRET', 'ACCESS_WEBHOOK_SECRET', 'PREDICTIONS_HMAC_KEY']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CharterConfig {
  // An empty variable (`PORT=`) means "unset", as it does for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return SECRET_VARIABLES.has(name) ? `${name}: ${issue.message}` : `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.OIDC_ISSUER_URL) {
    throw new ConfigError(['OIDC_ISSUER_URL: required when NODE_ENV=production (the built-in identity provider is for development only)']);
  }
  if (e.ACCESS_WEBHOOK_URLS && !e.ACCESS_WEBHOOK_SECRET) {
    throw new ConfigError(['ACCESS_WEBHOOK_SECRET: required when ACCESS_WEBHOOK_URLS is set (webhooks are always signed)']);
  }
  const dataDir = path.resolve(e.CHARTER_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    policiesDir: path.resolve(e.POLICIES_DIR),
    reportsDir: path.resolve(e.REPORTS_DIR ?? path.join(dataDir, 'reports')),
    oidc: {
      issuerUrl: e.OIDC_ISSUER_URL,
      audience: e.OIDC_AUDIENCE,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      rolesClaim: e.OIDC_ROLES_CLAIM,
      clockSkewSeconds: e.OIDC_CLOCK_SKEW_SECONDS,
    },
    devIdpPort: e.DEV_IDP_PORT,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    ingestBodyLimitBytes: e.INGEST_BODY_LIMIT_BYTES,
    scanUploadLimitBytes: e.SCAN_UPLOAD_LIMIT_BYTES,
    graphql: { maxDepth: e.GRAPHQL_MAX_DEPTH, maxComplexity: e.GRAPHQL_MAX_COMPLEXITY },
    access: {
      webhookUrls: e.ACCESS_WEBHOOK_URLS ? e.ACCESS_WEBHOOK_URLS.split(',').map((u) => u.trim()) : [],
      webhookSecret: e.ACCESS_WEBHOOK_SECRET,
      webhookMaxAttempts: e.ACCESS_WEBHOOK_MAX_ATTEMPTS,
      webhookBackoffMs: e.ACCESS_WEBHOOK_BACKOFF_MS,
      escalationSeconds: e.ACCESS_ESCALATION_SECONDS,
      sweepIntervalMs: e.ACCESS_SWEEP_INTERVAL_MS,
    },
    predictions: {
      hmacKey: e.PREDICTIONS_HMAC_KEY,
      requireRegisteredModels: e.PREDICTIONS_REQUIRE_REGISTERED_MODELS === 'true',
      pairingTimeoutSeconds: e.PREDICTIONS_PAIRING_TIMEOUT_SECONDS,
    },
  };
}

/** Nest injection token for the validated config. */
export const CHARTER_CONFIG = Symbol('CHARTER_CONFIG');
