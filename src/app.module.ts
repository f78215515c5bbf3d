import { Module, type CanActivate, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { Logger } from 'pino';
import { AccessModule } from './access/access.module';
import { AuthModule } from './auth/auth.module';
import { AccessGuard } from './authz/access.guard';
import { AuthzModule } from './authz/authz.module';
import { formatGraphqlErrors } from './common/graphql/error-formatter';
import { withVariableDefaults } from './common/graphql/variable-defaults';
import { PINO_LOGGER } from './common/logger';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { CHARTER_CONFIG, type CharterConfig } from './config/config';
import { DatabaseModule } from './database/database.module';
import { GovernanceAuditModule } from './governance-audit/governance-audit.module';
import { MutationAuditInterceptor } from './governance-audit/mutation-audit.interceptor';
import { HealthModule } from './health/health.module';
import { LineageModule } from './lineage/lineage.module';
import { GraphqlMetricsInterceptor } from './metrics/graphql-metrics.interceptor';
import { MetricsModule } from './metrics/metrics.module';
import { ModelCardsModule } from './model-cards/model-cards.module';
import { PiiServiceModule } from './pii/service/pii-service.module';
import { ReportsModule } from './reports/reports.module';
import { PredictionsModule } from './predictions/predictions.module';

export interface AppOptions {
  /**
   * Replaces the access guard. Only the authorization benchmark uses this, to measure the guard's
   * cost against a baseline; it is not reachable from configuration.
   */
  accessGuard?: Type<CanActivate>;
}

@Module({})
export class AppModule {
  static forRoot(config: CharterConfig, logger: Logger, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        MetricsModule,
        GovernanceAuditModule,
        AuthModule,
        AuthzModule,
        HealthModule,
        LineageModule,
        PiiServiceModule,
        ModelCardsModule,
        AccessModule,
        ReportsModule,
        PredictionsModule,
        ConsoleModule,
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          inject: [CHARTER_CONFIG],
          useFactory: (c: CharterConfig) => graphqlOptions(c, logger),
        }),
      ],
      providers: [
        { provide: PINO_LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: options.accessGuard ?? AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: GraphqlMetricsInterceptor },
        { provide: APP_INTERCEPTOR, useClass: MutationAuditInterceptor },
      ],
    };
  }
}

// Mercurius reuses the parsed document of a cached query, so its complexity is computed once per
// document and variables rather than on every request.
const complexityCache = new WeakMap<DocumentNode, Map<string, number>>();

function complexityOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): number {
  const key = variables ? JSON.stringify(variables) : '';
  let byVariables = complexityCache.get(document);
  const cached = byVariables?.get(key);
  if (cached !== undefined) return cached;
  const complexity = getComplexity({ schema, query: document, variables: variables ?? {}, estimators: [simpleEstimator({ defaultComplexity: 1 })] });
  if (!byVariables) complexityCache.set(document, (byVariables = new Map<string, number>()));
  if (byVariables.size >= 32) byVariables.clear();
  byVariables.set(key, complexity);
  return complexity;
}

function graphqlOptions(config: CharterConfig, logger: Logger): MercuriusDriverConfig {
  return {
    autoSchemaFile: true,
    sortSchema: true,
    path: '/graphql',
    graphiql: !config.production,
    // Compile hot queries with graphql-jit after the first run.
    jit: 1,
    queryDepth: config.graphql.maxDepth,
    allowBatchedQueries: false,
    context: (req: unknown) => ({ req }),
    errorFormatter: formatGraphqlErrors(logger),
    // Introspection is off in production; a static rule list keeps Mercurius' query cache on.
    validationRules: config.production ? [NoSchemaIntrospectionCustomRule] : [],
    hooks: {
      // Complexity needs the request's variables (list sizes), so it is checked before execution.
      preExecution: (schema, document, _context, sent) => {
        const variables = withVariableDefaults(schema, document, sent);
        const complexity = complexityOf(schema, document, variables ?? sent);
        if (complexity > config.graphql.maxComplexity) {
          throw new GraphQLError(`query complexity ${complexity} exceeds the limit of ${config.graphql.maxComplexity}`, {
            extensions: { code: 'QUERY_TOO_COMPLEX' },
          });
        }
        return variables ? { variables } : undefined;
      },
    },
  };
}
