import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** Per-request state that must follow async calls without being threaded through every signature. */
export interface RequestContext {
  requestId: string;
  /** Set while a mutation's transaction is open; repositories write through it. */
  manager?: EntityManager;
  /** Present while a GraphQL mutation runs; set when it wrote a governance audit event. */
  mutation?: { audited: boolean };
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
