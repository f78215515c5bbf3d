export const CHARTER_ROLES = ['admin', 'risk_officer', 'ciso', 'compliance', 'data_scientist', 'data_owner', 'model_owner', 'service'] as const;
export type CharterRole = (typeof CHARTER_ROLES)[number];

/** A role held in a domain (a team or business unit); domain `*` means every domain. */
export interface RoleBinding {
  role: CharterRole;
  domain: string;
}

/** The authenticated caller, put on the request by the access guard. */
export interface Principal {
  /** principals.id for people and token-based services; api_keys.id for API keys. */
  id: string;
  /** The Casbin subject: `user:<id>` or `apikey:<id>`. */
  subject: string;
  kind: 'user' | 'service';
  via: 'oidc' | 'api_key';
  email?: string;
  name?: string;
  /** Roles from the identity provider (mapped groups) or from the API key. */
  roles: RoleBinding[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
