import { newModelFromString, Util } from 'casbin';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RoleBinding } from '../auth/principal';
import type { PolicyRow } from './policy.repository';

/**
 * The Casbin model Charter evaluates (policies/model.conf must say the same). Casbin's own
 * enforcer walks every policy line per check and, with a domain-matching function on `g`,
 * rebuilds role links per line: 40+ ms per decision at 10,000 lines (bench/authz). This engine
 * applies exactly this model through indexes instead; test/policy-engine.test.ts checks it
 * against Casbin's enforcer on random policies.
 */
export const SUPPORTED_MODEL = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub, r.dom) && keyMatch(r.dom, p.dom) && keyMatch(r.obj, p.obj) && (r.act == p.act || p.act == "*")
`;

export interface PolicyLine {
  sub: string;
  dom: string;
  obj: string;
  act: string;
  eft: 'allow' | 'deny';
  /** Epoch ms after which a time-bound grant line no longer matches (v5); absent: no expiry. */
  expiresAt?: number;
}

export interface Decision {
  allowed: boolean;
  /** The domain the decision was made in. */
  domain: string;
  /** The policy line that decided: the allowing one, or the deny that overrode. None: deny by default. */
  matched?: PolicyLine;
}

// Casbin's default role manager follows role inheritance at most this deep.
const MAX_ROLE_DEPTH = 10;

const keyMatch = (key: string, pattern: string): boolean => Util.keyMatchFunc(key, pattern);

/** A subject's lines: those for one exact domain by domain, and those with a domain pattern. */
interface SubjectLines {
  byDomain: Map<string, PolicyLine[]>;
  patterns: PolicyLine[];
}

/**
 * One immutable snapshot of the policy, indexed by subject and domain. A check looks only at the
 * lines of the caller and its roles for the request's domain (plus the few with a domain pattern
 * such as `*`), so its cost does not grow with the total number of lines. A reload builds a new
 * snapshot and swaps it in whole.
 */
export class PolicySnapshot {
  private constructor(
    /** Policy lines by subject (a role, `user:<id>` or `apikey:<id>`). */
    private readonly bySubject: ReadonlyMap<string, SubjectLines>,
    /** Persisted role assignments: subject → roles, each with its domain pattern. */
    private readonly links: ReadonlyMap<string, readonly RoleBinding[]>,
    readonly size: number,
  ) {}

  static build(rows: readonly PolicyRow[]): PolicySnapshot {
    const bySubject = new Map<string, SubjectLines>();
    const links = new Map<string, RoleBinding[]>();
    for (const row of rows) {
      if (row.ptype === 'p') {
        const line: PolicyLine = { sub: row.v0, dom: row.v1, obj: row.v2, act: row.v3, eft: row.v4 === 'deny' ? 'deny' : 'allow' };
        // Access grants carry their expiry; it is checked on every decision, so a late sweeper never extends access.
        if (row.v5) line.expiresAt = Date.parse(row.v5);
        let entry = bySubject.get(line.sub);
        if (!entry) bySubject.set(line.sub, (entry = { byDomain: new Map(), patterns: [] }));
        if (line.dom.includes('*')) entry.patterns.push(line);
        else {
          const list = entry.byDomain.get(line.dom);
          if (list) list.push(line);
          else entry.byDomain.set(line.dom, [line]);
        }
      } else {
        const list = links.get(row.v0);
        const link = { role: row.v1 as RoleBinding['role'], domain: row.v2 };
        if (list) list.push(link);
        else links.set(row.v0, [link]);
      }
    }
    return new PolicySnapshot(bySubject, links, rows.length);
  }

  assignedRoles(subject: string): RoleBinding[] {
    return [...(this.links.get(subject) ?? [])];
  }

  /** Domains in which a subject holds a persisted role assignment. */
  assignedDomains(subject: string): string[] {
    return (this.links.get(subject) ?? []).map((l) => l.domain);
  }

  /**
   * `enforce(subject, domain, object, action)` under SUPPORTED_MODEL, where the subject also holds
   * `credentialRoles` (from its token or API key) as if they were `g` lines.
   */
  decide(subject: string, credentialRoles: readonly RoleBinding[], domain: string, object: string, action: string): Decision {
    let allowing: PolicyLine | undefined;
    for (const s of this.subjectsOf(subject, credentialRoles, domain)) {
      const entry = this.bySubject.get(s);
      if (!entry) continue;
      // Exact-domain lines match the domain by construction; pattern lines need keyMatch.
      for (const lines of [entry.byDomain.get(domain), entry.patterns]) {
        for (const line of lines ?? []) {
          if ((lines === entry.patterns && !keyMatch(domain, line.dom)) || !keyMatch(object, line.obj) || (action !== line.act && line.act !== '*')) continue;
          if (line.expiresAt !== undefined && !(line.expiresAt > Date.now())) continue;
          if (line.eft === 'deny') return { allowed: false, domain, matched: line };
          allowing ??= line;
        }
      }
    }
    return { allowed: allowing !== undefined, domain, matched: allowing };
  }

  /** The subject and every role it reaches in `domain` (g with keyMatch on the domain), transitively. */
  private subjectsOf(subject: string, credentialRoles: readonly RoleBinding[], domain: string): Set<string> {
    const reached = new Set<string>([subject]);
    let frontier = [subject];
    for (let depth = 0; depth < MAX_ROLE_DEPTH && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const s of frontier) {
        const edges = s === subject ? [...credentialRoles, ...(this.links.get(s) ?? [])] : (this.links.get(s) ?? []);
        for (const edge of edges) {
          if (!reached.has(edge.role) && keyMatch(domain, edge.domain)) {
            reached.add(edge.role);
            next.push(edge.role);
          }
        }
      }
      frontier = next;
    }
    return reached;
  }
}

/**
 * Reads policies/model.conf and refuses to start if it differs from the model the engine
 * implements: a changed matcher must come with a changed engine, not be silently ignored.
 */
export function assertSupportedModel(policiesDir: string): void {
  const file = path.join(policiesDir, 'model.conf');
  const sections = (text: string) => {
    const model = newModelFromString(text);
    return [...model.model.entries()]
      .flatMap(([sec, assertions]) => [...assertions.entries()].map(([key, a]) => `${sec}.${key} = ${a.value.replace(/\s+/g, '')}`))
      .sort();
  };
  const actual = sections(readFileSync(file, 'utf8'));
  const expected = sections(SUPPORTED_MODEL);
  const differing = actual.filter((line) => !expected.includes(line)).concat(expected.filter((line) => !actual.includes(line)));
  if (differing.length > 0) {
    throw new Error(`${file}: differs from the model Charter's policy engine implements (src/authz/policy-engine.ts): ${differing.join('; ')}`);
  }
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
