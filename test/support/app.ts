import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { createCharterApp } from '../../src/app.factory';
import type { AppOptions } from '../../src/app.module';
import { createLogger } from '../../src/common/logger';
import { loadConfig, type CharterConfig } from '../../src/config/config';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: CharterConfig;
  /** POSTs a GraphQL operation; returns HTTP status and body. */
  graphql<T = Record<string, unknown>>(query: string, token?: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>>;
  close(): Promise<void>;
}

export interface GraphqlResponse<T> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/** The real application on a real port, against a real database and OpenID provider. */
export async function startTestApp(databaseUrl: string, issuerUrl: string, env: Record<string, string> = {}, options: AppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    OIDC_ISSUER_URL: issuerUrl,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    ...env,
  });
  const app = await createCharterApp(config, createLogger(config.logLevel), options);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    config,
    async graphql<T>(query: string, token?: string, variables?: Record<string, unknown>) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T | null; errors?: GraphqlResponse<T>['errors'] };
      return { status: res.status, data: body.data ?? null, errors: body.errors };
    },
    close: () => app.close(),
  };
}
