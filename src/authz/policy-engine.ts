import { newEnforcer, newModelFromString, Util, type Enforcer, type Model } from 'casbin';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PolicyRow } from './policy.repository';

export interface Decision {
  allowed: boolean;
  /** The domain the decision was made in. */
  domain: string;
  /** The matching rule for a deny by policy; empty when nothing matched (deny by default). */
  matchedRule: string[];
}

const MAX_CACHED_DECISIONS = 100_000;

/**
 * One immutable snapshot of the policy: a Casbin enforcer plus a decision cache. A reload builds a
 * new snapshot and swaps it in whole, so a check never sees a half-loaded policy.
 *
 * Casbin evaluates its matcher against every policy line, which at 10,000 lines costs milliseconds;
 * decisions are therefore cached per (subject, domain, object, action) until the next reload.
 */
export class PolicySnapshot {
  private readonly decisions = new Map<string, boolean>();
  /** Subject → signature of the role links added for it from its token or API key. */
  private readonly transientLinks = new Map<string, string>();

  private constructor(
    private readonly enforcer: Enforcer,
    /** Domains in which each subject holds a persisted role assignment. */
    readonly assignedDomains: ReadonlyMap<string, string[]>,
  ) {}

  static async build(modelText: string, rows: PolicyRow[]): Promise<PolicySnapshot> {
    const model: Model = newModelFromString(modelText);
    const enforcer = await newEnforcer(model);
    await enforcer.addNamedDomainMatchingFunc('g', Util.keyMatchFunc);
    const assigned = new Map<string, string[]>();
    for (const row of rows) {
      if (row.ptype === 'p') model.addPolicy('p', 'p', [row.v0, row.v1, row.v2, row.v3, row.v4 || 'allow']);
      else {
        model.addPolicy('g', 'g', [row.v0, row.v1, row.v2]);
        assigned.set(row.v0, [...(assigned.get(row.v0) ?? []), row.v2]);
      }
    }
    await enforcer.buildRoleLinks();
    return new PolicySnapshot(enforcer, assigned);
  }

  /** Links a subject to the roles its credential carries (IdP groups, API key roles). In memory only. */
  async linkRoles(subject: string, roles: { role: string; domain: string }[]): Promise<void> {
    const signature = roles.map((r) => `${r.role}@${r.domain}`).sort().join(',');
    const previous = this.transientLinks.get(subject);
    if (previous === signature) return;
    const rm = this.enforcer.getRoleManager();
    for (const old of previous ? previous.split(',').filter(Boolean) : []) {
      const [role, domain] = old.split('@') as [string, string];
      await rm.deleteLink(subject, role, domain);
    }
    for (const r of roles) await rm.addLink(subject, r.role, r.domain);
    this.transientLinks.set(subject, signature);
    this.decisions.clear();
  }

  check(subject: string, domain: string, object: string, action: string): boolean {
    const key = `${subject}\u0000${domain}\u0000${object}\u0000${action}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const allowed = this.enforcer.enforceSync(subject, domain, object, action);
    if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear();
    this.decisions.set(key, allowed);
    return allowed;
  }

  /** The policy line that decided a denial, if any (slow path, for audit). */
  explain(subject: string, domain: string, object: string, action: string): string[] {
    const [, rules] = this.enforcer.enforceExSync(subject, domain, object, action);
    return rules;
  }
}

export function readModel(policiesDir: string): string {
  return readFileSync(path.join(policiesDir, 'model.conf'), 'utf8');
}

/** Parses `policies/policy.csv` (comments with #, blank lines ignored). */
export function readDefaultPolicy(policiesDir: string): { ptype: 'p' | 'g'; values: string[] }[] {
  const file = path.join(policiesDir, 'policy.csv');
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line, index) => {
      const [ptype, ...values] = line.split(',').map((v) => v.trim());
      if ((ptype !== 'p' && ptype !== 'g') || values.length < 3) {
        throw new Error(`${file}: rule ${index + 1} "${line}" must be "p, sub, dom, obj, act, eft" or "g, sub, role, dom"`);
      }
      return { ptype, values };
    });
}
