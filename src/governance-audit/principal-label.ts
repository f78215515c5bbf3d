import type { Principal } from '../auth/principal';

/** Who acted, as the audit log and the rows that name an actor show it: the e-mail, else the display name. */
export function principalLabel(principal: Pick<Principal, 'email' | 'name'>): string | null {
  return principal.email ?? principal.name ?? null;
}
