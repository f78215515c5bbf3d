import { createContext, useContext } from 'react';
import type { MeQuery } from './gql/graphql';

export type Me = MeQuery['me'];
export const SessionContext = createContext<Me | undefined>(undefined);

export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside a signed-in session');
  return me;
}

/**
 * Which console areas a role works in, mirroring the default policy (policies/policy.csv). It only
 * decides what the navigation offers; the API decides what anyone may actually read or change.
 */
export type Area = 'datasets' | 'myRequests' | 'accessInbox' | 'models' | 'reviews' | 'access' | 'audit' | 'reports' | 'lineage';

const AREAS: Record<string, Area[]> = {
  admin: ['datasets', 'myRequests', 'accessInbox', 'models', 'reviews', 'access', 'audit', 'reports', 'lineage'],
  risk_officer: ['datasets', 'myRequests', 'accessInbox', 'models', 'reviews', 'reports', 'lineage'],
  ciso: ['datasets', 'myRequests', 'accessInbox', 'models', 'access', 'audit', 'reports', 'lineage'],
  compliance: ['datasets', 'myRequests', 'accessInbox', 'models', 'audit', 'reports', 'lineage'],
  data_scientist: ['datasets', 'myRequests', 'models', 'lineage'],
  data_owner: ['datasets', 'myRequests', 'accessInbox', 'lineage'],
  model_owner: ['datasets', 'myRequests', 'models', 'lineage'],
};

export function areasOf(roles: readonly string[]): Set<Area> {
  return new Set(roles.flatMap((r) => AREAS[r] ?? []));
}

/** Who may confirm or reject PII findings (pii.review in policies/policy.csv); the API checks the dataset's domain. */
export function canReviewPii(roles: readonly string[]): boolean {
  return roles.includes('data_owner') || roles.includes('admin');
}
