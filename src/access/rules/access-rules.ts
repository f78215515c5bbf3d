import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const ACCESS_ACTIONS = ['read', 'read_masked', 'export'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];
export const SENSITIVITIES = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
export type RuleOutcome = 'approve' | 'deny' | 'escalate';

/** Everything a rule may look at; stored with each decision. */
export interface AccessFacts {
  requester: { id: string; label: string | null; roles: string[]; domains: string[]; attestations: string[]; openViolations: number };
  dataset: { id: string; namespace: string; name: string; sensitivity: Sensitivity; domain: string; owner: string | null; tags: string[] };
  request: { action: AccessAction; purpose: string; durationDays: number; fields: string[] };
}

interface Conditions {
  requester?: {
    rolesAny?: string[];
    sameDomainAsDataset?: boolean;
    attestations?: string[];
    missingAttestationsAny?: string[];
    hasOpenViolations?: boolean;
  };
  dataset?: { sensitivity?: Sensitivity[]; domains?: string[]; hasOwner?: boolean; tagsAny?: string[]; tagsNone?: string[] };
  request?: { actions?: AccessAction[]; purposes?: string[]; purposesNot?: string[]; maxDurationDays?: number; minDurationDays?: number; hasFields?: boolean };
}

export interface AccessRule {
  id: string;
  description?: string;
  when: Conditions;
  outcome: RuleOutcome;
  maxDurationDays?: number;
  reason?: string;
  /** The file the rule came from, relative to the policies directory. */
  file: string;
}

export interface RuleDecision {
  rule: AccessRule;
  outcome: RuleOutcome;
  /** For approvals: the requested duration capped by the rule. */
  durationDays: number;
  reason: string;
}

const stringList = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
const RULES_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['rules'],
  properties: {
    rules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'when', 'outcome'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,79}$' },
          description: { type: 'string' },
          outcome: { enum: ['approve', 'deny', 'escalate'] },
          maxDurationDays: { type: 'integer', minimum: 1, maximum: 365 },
          reason: { type: 'string', minLength: 1 },
          when: {
            type: 'object',
            additionalProperties: false,
            properties: {
              requester: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  rolesAny: stringList,
                  sameDomainAsDataset: { type: 'boolean' },
                  attestations: stringList,
                  missingAttestationsAny: stringList,
                  hasOpenViolations: { type: 'boolean' },
                },
              },
              dataset: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  sensitivity: { type: 'array', items: { enum: [...SENSITIVITIES] }, minItems: 1 },
                  domains: stringList,
                  hasOwner: { type: 'boolean' },
                  tagsAny: stringList,
                  tagsNone: stringList,
                },
              },
              request: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  actions: { type: 'array', items: { enum: [...ACCESS_ACTIONS] }, minItems: 1 },
                  purposes: stringList,
                  purposesNot: stringList,
                  maxDurationDays: { type: 'integer', minimum: 1 },
                  minDurationDays: { type: 'integer', minimum: 1 },
                  hasFields: { type: 'boolean' },
                },
              },
            },
          },
        },
        // An approval says for how long; a denial says why, since the requester sees it.
        allOf: [
          { if: { properties: { outcome: { const: 'approve' } } }, then: { required: ['maxDurationDays'] } },
          { if: { properties: { outcome: { const: 'deny' } } }, then: { required: ['reason'] } },
        ],
      },
    },
  },
} as const;

interface RuleFile {
  rules: Omit<AccessRule, 'file'>[];
}

const ajv = new Ajv2020({ allErrors: false, strict: false });
// Untyped on purpose: the schema checks the shape, RuleFile states it.
const validateFile: ValidateFunction = ajv.compile(RULES_SCHEMA);

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    readonly rule: string | null,
    readonly field: string,
    problem: string,
  ) {
    super(`${file}: ${rule ? `rule ${rule}: ` : ''}${field}: ${problem}`);
    this.name = 'RuleFileError';
  }
}

/** The controlled purpose vocabulary (policies/access-purposes.yaml). */
export function loadPurposes(policiesDir: string): Map<string, string> {
  const file = path.join(policiesDir, 'access-purposes.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { purposes?: { id?: unknown; description?: unknown }[] } | null;
  const out = new Map<string, string>();
  (doc?.purposes ?? []).forEach((p, i) => {
    if (typeof p.id !== 'string' || !/^[a-z0-9-]{1,60}$/.test(p.id))
      throw new RuleFileError('access-purposes.yaml', null, `purposes[${i}].id`, 'must be lowercase letters, digits and -');
    out.set(p.id, typeof p.description === 'string' ? p.description : '');
  });
  if (out.size === 0) throw new RuleFileError('access-purposes.yaml', null, 'purposes', 'must list at least one purpose');
  return out;
}

/**
 * Loads policies/access-rules/*.yaml|json in file-name order and validates every file against the
 * rule schema; the first problem names the file, the rule and the field. Rules may only name purposes
 * of the vocabulary, and ids are unique across files.
 */
export function loadAccessRules(policiesDir: string, purposes: ReadonlyMap<string, string>): AccessRule[] {
  const dir = path.join(policiesDir, 'access-rules');
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const rules: AccessRule[] = [];
  const seen = new Map<string, string>();
  for (const name of files) {
    const file = `access-rules/${name}`;
    let doc: unknown;
    try {
      doc = parse(readFileSync(path.join(dir, name), 'utf8'));
    } catch (error) {
      throw new RuleFileError(file, null, '(document)', (error as Error).message.split('\n')[0]!);
    }
    if (!validateFile(doc)) throw toRuleFileError(file, doc, validateFile.errors ?? []);
    for (const rule of (doc as RuleFile).rules) {
      const previous = seen.get(rule.id);
      if (previous) throw new RuleFileError(file, rule.id, 'id', `duplicates the rule of the same id in ${previous}`);
      seen.set(rule.id, file);
      for (const key of ['purposes', 'purposesNot'] as const) {
        const unknown = (rule.when.request?.[key] ?? []).find((p) => !purposes.has(p));
        if (unknown) throw new RuleFileError(file, rule.id, `when.request.${key}`, `"${unknown}" is not a purpose in access-purposes.yaml`);
      }
      rules.push({ ...rule, file });
    }
  }
  if (rules.length === 0) throw new RuleFileError('access-rules/', null, 'rules', 'no rules found');
  return rules;
}

function toRuleFileError(file: string, doc: unknown, errors: ErrorObject[]): RuleFileError {
  const error = errors.find((e) => e.keyword !== 'if') ?? errors[0];
  const pointer = error?.instancePath ?? '';
  const match = /^\/rules\/(\d+)(.*)$/.exec(pointer);
  let rule: string | null = null;
  let field = pointer.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
  if (match) {
    const entry = (doc as { rules: { id?: unknown }[] }).rules[Number(match[1])];
    rule = typeof entry?.id === 'string' ? entry.id : `#${Number(match[1]) + 1}`;
    field = match[2]!.replace(/^\//, '').replaceAll('/', '.');
  }
  if (error?.keyword === 'required') field = [field, (error.params as { missingProperty: string }).missingProperty].filter(Boolean).join('.');
  if (error?.keyword === 'additionalProperties') field = [field, (error.params as { additionalProperty: string }).additionalProperty].filter(Boolean).join('.');
  const message = error?.keyword === 'additionalProperties' ? 'is not a known field' : (error?.message ?? 'is invalid');
  return new RuleFileError(file, rule, field || '(rule)', message);
}

const tagMatches = (tags: readonly string[], patterns: readonly string[]): boolean =>
  patterns.some((p) => (p.endsWith('*') ? tags.some((t) => t.startsWith(p.slice(0, -1))) : tags.includes(p)));

/** Whether the requester holds a role in the dataset's domain (or in every domain, `*`). */
export function sameDomain(facts: AccessFacts): boolean {
  return facts.requester.domains.some((d) => d === facts.dataset.domain || d === '*');
}

function holds(c: Conditions, f: AccessFacts): boolean {
  const { requester: r, dataset: d, request: q } = c;
  if (r) {
    if (r.rolesAny && !r.rolesAny.some((role) => f.requester.roles.includes(role))) return false;
    if (r.sameDomainAsDataset !== undefined && sameDomain(f) !== r.sameDomainAsDataset) return false;
    if (r.attestations && !r.attestations.every((a) => f.requester.attestations.includes(a))) return false;
    if (r.missingAttestationsAny && !r.missingAttestationsAny.some((a) => !f.requester.attestations.includes(a))) return false;
    if (r.hasOpenViolations !== undefined && f.requester.openViolations > 0 !== r.hasOpenViolations) return false;
  }
  if (d) {
    if (d.sensitivity && !d.sensitivity.includes(f.dataset.sensitivity)) return false;
    if (d.domains && !d.domains.includes(f.dataset.domain)) return false;
    if (d.hasOwner !== undefined && (f.dataset.owner !== null) !== d.hasOwner) return false;
    if (d.tagsAny && !tagMatches(f.dataset.tags, d.tagsAny)) return false;
    if (d.tagsNone && tagMatches(f.dataset.tags, d.tagsNone)) return false;
  }
  if (q) {
    if (q.actions && !q.actions.includes(f.request.action)) return false;
    if (q.purposes && !q.purposes.includes(f.request.purpose)) return false;
    if (q.purposesNot?.includes(f.request.purpose)) return false;
    if (q.maxDurationDays !== undefined && f.request.durationDays > q.maxDurationDays) return false;
    if (q.minDurationDays !== undefined && f.request.durationDays < q.minDurationDays) return false;
    if (q.hasFields !== undefined && f.request.fields.length > 0 !== q.hasFields) return false;
  }
  return true;
}

/** The first rule whose conditions hold decides; with none, the request is escalated. */
export function evaluate(rules: readonly AccessRule[], facts: AccessFacts): RuleDecision | null {
  for (const rule of rules) {
    if (!holds(rule.when, facts)) continue;
    const durationDays = rule.outcome === 'approve' ? Math.min(facts.request.durationDays, rule.maxDurationDays!) : facts.request.durationDays;
    const reason =
      rule.reason ??
      (rule.outcome === 'approve'
        ? `approved by rule ${rule.id} for ${durationDays} day(s)${durationDays < facts.request.durationDays ? ` (capped from ${facts.request.durationDays})` : ''}`
        : `escalated by rule ${rule.id}`);
    return { rule, outcome: rule.outcome, durationDays, reason };
  }
  return null;
}
