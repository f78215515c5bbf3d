import type { Principal, RoleBinding } from '../auth/principal';
import type { DatasetFactsRow } from '../lineage/graph/lineage-catalog.service';

/** Whether the principal is the dataset's owner (lineage `owner` holds an e-mail, a principal id or a name). */
export function isOwner(principal: Principal, owner: string | null): boolean {
  if (!owner) return false;
  const o = owner.toLowerCase();
  return [principal.email, principal.id, principal.name].some((v) => v !== undefined && v.toLowerCase() === o);
}

export function holdsRole(roles: readonly RoleBinding[], role: RoleBinding['role'], domain: string): boolean {
  return roles.some((r) => r.role === role && (r.domain === '*' || r.domain === domain));
}

export function principalLabel(principal: Principal): string | null {
  return principal.email ?? principal.name ?? null;
}

export type DatasetFacts = DatasetFactsRow;
