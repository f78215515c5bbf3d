import { SetMetadata, type CustomDecorator } from '@nestjs/common';

export const ACCESS_DECLARATION = 'charter:access';

export interface AccessDeclaration {
  /** `resource.action`, checked as Casbin (obj, act); absent on public endpoints. */
  permission?: string;
  /** Why an endpoint needs no credentials (shown in the permission map). */
  publicReason?: string;
  /** Dotted path of the argument holding the domain the operation touches, e.g. `input.domain`. */
  domainArg?: string;
  /** Whether service API keys are accepted as credentials (ingest routes). */
  allowApiKeys?: boolean;
}

/**
 * Declares the permission an operation needs. Every GraphQL operation and REST route carries
 * exactly one of `@Requires` or `@Public`; the access guard refuses any handler with neither.
 */
export function Requires(permission: `${string}.${string}`, options: { domainArg?: string; allowApiKeys?: boolean } = {}): CustomDecorator<string> {
  return SetMetadata<string, AccessDeclaration>(ACCESS_DECLARATION, { permission, ...options });
}

/** Marks an endpoint that needs no credentials (probes, metrics). */
export function Public(reason: string): CustomDecorator<string> {
  return SetMetadata<string, AccessDeclaration>(ACCESS_DECLARATION, { publicReason: reason });
}

export function splitPermission(permission: string): { object: string; action: string } {
  const dot = permission.lastIndexOf('.');
  return { object: permission.slice(0, dot), action: permission.slice(dot + 1) };
}
