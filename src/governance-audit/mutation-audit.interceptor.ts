import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { from, lastValueFrom, type Observable } from 'rxjs';
import type { Principal } from '../auth/principal';
import { AppError } from '../common/app-error';
import { requestContext } from '../common/request-context';
import { TransactionHost } from '../database/transaction-host';
import { GovernanceAuditService } from './governance-audit.service';
import { principalLabel } from './principal-label';

/**
 * Runs every GraphQL mutation in one transaction. Services record a detailed audit event inside
 * it; if a mutation recorded none, a generic one is written so no change goes unaudited. A failed
 * mutation rolls back and is audited as `error` in a transaction of its own.
 */
@Injectable()
export class MutationAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly tx: TransactionHost,
    private readonly audit: GovernanceAuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler<unknown>): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.parentType.name !== 'Mutation') return next.handle();
    const principal = gql.getContext<{ req: { principal?: Principal } }>().req.principal;
    const actor = { actorId: principal?.id ?? null, actorLabel: principal ? principalLabel(principal) : null };
    const action = `graphql:Mutation.${info.fieldName}`;
    const outer = requestContext.getStore();

    const run = async (): Promise<unknown> => {
      const mutation = { audited: false };
      try {
        return await requestContext.run<Promise<unknown>>({ requestId: outer?.requestId ?? 'internal', mutation }, () =>
          this.tx.run(async (): Promise<unknown> => {
            const result: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
            if (!mutation.audited) await this.audit.record({ action, decision: 'allow', ...actor, details: { args: gql.getArgs() } });
            return result;
          }),
        );
      } catch (error) {
        await this.audit.recordIndependently({
          action,
          decision: 'error',
          ...actor,
          reason: error instanceof AppError ? `${error.code}: ${error.message}` : 'internal error',
          details: { args: gql.getArgs(), ...(error instanceof AppError && error.field ? { field: error.field } : {}) },
        });
        throw error;
      }
    };
    return from(run());
  }
}
