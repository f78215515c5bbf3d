/**
 * A minimal NestJS GraphQL server for bench/drivers.bench.ts, one per child process, built with
 * the HTTP adapter and GraphQL driver named by argv[2]:
 *
 *   express-apollo           Express 5 + Apollo Server 5 (@nestjs/apollo, @as-integrations/express5)
 *   fastify-apollo           Fastify 5 + Apollo Server 5 (@nestjs/apollo, @as-integrations/fastify)
 *   fastify-mercurius        Fastify 5 + Mercurius, graphql-jit after the first run (as Charter)
 *   fastify-mercurius-nojit  Fastify 5 + Mercurius, graphql-js execution
 *
 * Same code-first schema, resolver and global guard (so Nest's guard pipeline runs per field) in
 * every variant; no logging, NODE_ENV=production.
 */
import 'reflect-metadata';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable, Module, SetMetadata, type CanActivate, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { Field, GqlExecutionContext, GraphQLModule, ID, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VARIANTS, type Variant } from './driver-variants';
import { failStartup, serveParent } from './ipc';

const PERMISSION = 'bench:permission';

@ObjectType('Model')
class ModelType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  stage!: string;

  @Field(() => [String])
  tags!: string[];
}

const MODEL: ModelType = { id: '6f1c2a7e-5d1b-4c8e-9a0f-3b2d1e4f5a6b', name: 'credit-risk-scorer', stage: 'production', tags: ['tier-1', 'pii'] };

@Resolver(() => ModelType)
class ModelResolver {
  @Query(() => ModelType)
  @SetMetadata(PERMISSION, 'model.read')
  model(): ModelType {
    return MODEL;
  }
}

/** A trivial global guard: reads the handler's metadata and the request from the GraphQL context, like Charter's; refuses `x-bench-deny`. */
@Injectable()
class TrivialGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const permission = this.reflector.getAllAndOverride<string | undefined>(PERMISSION, [context.getHandler(), context.getClass()]);
    const request = GqlExecutionContext.create(context).getContext<{ req?: { headers?: Record<string, unknown> } }>().req;
    // The bench sends this header once to prove the guard runs in every variant.
    return permission !== undefined && request?.headers !== undefined && request.headers['x-bench-deny'] === undefined;
  }
}

// Drivers and adapters are loaded on demand, so each process holds only its own stack (memory figures).
async function graphqlModule(variant: Variant): Promise<DynamicModule> {
  if (variant === 'fastify-mercurius' || variant === 'fastify-mercurius-nojit') {
    const { MercuriusDriver } = await import('@nestjs/mercurius');
    return GraphQLModule.forRoot<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      autoSchemaFile: true,
      path: '/graphql',
      graphiql: false,
      allowBatchedQueries: false,
      jit: variant === 'fastify-mercurius' ? 1 : 0,
      context: (req: unknown) => ({ req }),
    });
  }
  const { ApolloDriver } = await import('@nestjs/apollo');
  return GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    autoSchemaFile: true,
    path: '/graphql',
    graphiql: false,
  });
}

@Module({})
class DriverBenchModule {
  static async forVariant(variant: Variant): Promise<DynamicModule> {
    return {
      module: DriverBenchModule,
      imports: [await graphqlModule(variant)],
      providers: [ModelResolver, { provide: APP_GUARD, useClass: TrivialGuard }],
    };
  }
}

async function main(): Promise<void> {
  const variant = process.argv[2] as Variant;
  if (!(VARIANTS as readonly string[]).includes(variant)) throw new Error(`unknown variant ${variant}; one of ${VARIANTS.join(', ')}`);
  const adapter: AbstractHttpAdapter =
    variant === 'express-apollo'
      ? new (await import('@nestjs/platform-express')).ExpressAdapter()
      : new (await import('@nestjs/platform-fastify')).FastifyAdapter();
  const app = await NestFactory.create(await DriverBenchModule.forVariant(variant), adapter, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  serveParent(port, {}, () => app.close());
}

main().catch(failStartup);
