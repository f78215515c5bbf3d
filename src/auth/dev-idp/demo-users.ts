/**
 * Demo accounts of Charter's built-in development identity provider.
 *
 * DEVELOPMENT ONLY: the password of every account is its username. These
 * accounts exist only inside the development identity provider, which Charter
 * starts when no OIDC_ISSUER_URL is configured (and never in production).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface DemoUser {
  /** Sign-in name, also the password. */
  readonly username: string;
  readonly password: string;
  /** Stable subject identifier (`sub` claim). */
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  /** Group memberships, emitted in the configured roles claim (default `groups`). */
  readonly groups: string[];
}

function demoUser(username: string, name: string, groups: readonly string[]): DemoUser {
  return Object.freeze({
    username,
    password: username,
    sub: `dev-${username}`,
    email: `${username}@charter.local`,
    name,
    groups: [...groups],
  });
}

export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  demoUser('admin', 'Ada Admin', ['admin']),
  demoUser('risk', 'Riley Risk', ['risk_officer']),
  demoUser('ciso', 'Casey CISO', ['ciso']),
  demoUser('compliance', 'Cam Compliance', ['compliance']),
  demoUser('ds', 'Dana Scientist', ['data_scientist']),
  demoUser('owner', 'Owen Owner', ['data_owner']),
  demoUser('ingest', 'Ingest Service', ['service']),
  // A second risk officer (high-risk model cards need two approvers) and a model owner.
  demoUser('risk2', 'Robin Risk', ['risk_officer']),
  demoUser('mowner', 'Morgan Model-Owner', ['model_owner']),
]);

export function findDemoUserByUsername(username: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === username);
}

export function findDemoUserBySub(sub: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.sub === sub);
}

/** Constant-time check of a demo user's password. */
export function passwordMatches(user: DemoUser, password: string): boolean {
  const a = createHash('sha256').update(user.password).digest();
  const b = createHash('sha256').update(password).digest();
  return timingSafeEqual(a, b);
}
