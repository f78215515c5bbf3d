import type { Principal, RoleBinding } from '../auth/principal';
import type { DatasetFactsRow } from '../lineage/graph/lineage-catalog.service';

/**
 * Whether the principal is the dataset's owner: lineage `owner` must hold their e-mail or principal
 * id. Display names are not identities (anyone can be called "Data Platform"), so they never match.
 */
export function isOwner(principal: Principal, owner: string | null): boolean {
  if (!owner) return false;
  const o = owner.toLowerCase();
  return [principal.email, principal.id].some((v) => v !== undefined && v.toLowerCase() === o);
}

export function holdsRole(roles: readonly RoleBinding[], role: RoleBinding['role'], domain: string): boolean {
  return roles.some((r) => r.role === role && (r.domain === '*' || r.domain === domain));
}

export type DatasetFacts = DatasetFactsRow;
