import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { CHARTER_ROLES, type CharterRole, type RoleBinding } from './principal';

const bindingSchema = z.object({
  role: z.enum(CHARTER_ROLES, { error: `must be one of ${CHARTER_ROLES.join(', ')}` }),
  domain: z.string().min(1).default('*'),
});
const fileSchema = z.object({
  defaultMapping: z.boolean().default(true),
  groups: z.record(z.string(), z.array(bindingSchema)).default({}),
});

/**
 * Maps identity-provider groups to Charter roles, from `policies/role-mapping.yaml`.
 * By default a group named like a role (`risk_officer`, or `/risk_officer` as Keycloak sends
 * full paths) grants that role in every domain.
 */
export class RoleMapping {
  private constructor(
    private readonly defaultMapping: boolean,
    private readonly groups: ReadonlyMap<string, RoleBinding[]>,
  ) {}

  static load(policiesDir: string): RoleMapping {
    const file = path.join(policiesDir, 'role-mapping.yaml');
    const text = readFileSync(file, 'utf8');
    let document: unknown;
    try {
      document = parse(text) ?? {};
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    const parsed = fileSchema.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${file}: ${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
    }
    return new RoleMapping(parsed.data.defaultMapping, new Map(Object.entries(parsed.data.groups)));
  }

  static fromObject(defaultMapping: boolean, groups: Record<string, RoleBinding[]>): RoleMapping {
    return new RoleMapping(defaultMapping, new Map(Object.entries(groups)));
  }

  rolesFor(groups: readonly string[]): RoleBinding[] {
    const out = new Map<string, RoleBinding>();
    for (const group of groups) {
      const explicit = this.groups.get(group);
      // An explicit entry replaces the default for that group, so it can narrow a role to a domain.
      for (const binding of explicit ?? []) out.set(`${binding.role}@${binding.domain}`, binding);
      const bare = group.startsWith('/') ? group.slice(1) : group;
      if (!explicit && this.defaultMapping && (CHARTER_ROLES as readonly string[]).includes(bare)) {
        out.set(`${bare}@*`, { role: bare as CharterRole, domain: '*' });
      }
    }
    return [...out.values()];
  }
}
