import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { tap, type Observable } from 'rxjs';
import { MetricsService } from './metrics.service';

/** Times each GraphQL root field (operation-level latency; HTTP latency is timed by a Fastify hook). */
@Injectable()
export class GraphqlMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<GqlContextType>() !== 'graphql') return next.handle();
    const info = GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>();
    const end = this.metrics.graphqlDuration.startTimer({ type: info.parentType.name.toLowerCase(), field: info.fieldName });
    return next.handle().pipe(
      tap({
        next: () => end({ outcome: 'ok' }),
        error: () => end({ outcome: 'error' }),
      }),
    );
  }
}
