import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AccessGuard } from '../src/authz/access.guard';
import { ACCESS_DECLARATION, type AccessDeclaration } from '../src/authz/requires.decorator';
import { AppError, ErrorCode } from '../src/common/app-error';
import type { TestDatabase } from './support/database';
import type { TestApp } from './support/app';
import { startTestStack, type TestStack } from './support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const PERMISSION_MAP = path.join(ROOT, 'test', 'snapshots', 'permission-map.txt');
const SCHEMA_FILE = path.join(ROOT, 'schema.graphql');
// `npm run schema:print` sets this to rewrite the committed files instead of comparing.
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1';

interface Handler {
  key: string;
  declaration: AccessDeclaration | undefined;
}

/** Every GraphQL root-field handler and REST route handler Nest knows, with its access declaration. */
function collectHandlers(app: TestApp): { graphql: Map<string, Handler>; http: Handler[] } {
  const graphql = new Map<string, Handler>();
  const http: Handler[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
      const type = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null;
      if (!type || typeof type !== 'function' || !type.prototype) continue;
      const classDeclaration = Reflect.getMetadata(ACCESS_DECLARATION, type) as AccessDeclaration | undefined;
      const isController = module.controllers.has(wrapper.token);
      for (const name of Object.getOwnPropertyNames(type.prototype)) {
        if (name === 'constructor') continue;
        const method = Object.getOwnPropertyDescriptor(type.prototype, name)?.value as object | undefined;
        if (typeof method !== 'function') continue;
        const declaration = (Reflect.getMetadata(ACCESS_DECLARATION, method) as AccessDeclaration | undefined) ?? classDeclaration;
        const resolverType = Reflect.getMetadata('graphql:resolver_type', method) as string | undefined;
        if (resolverType === 'Query' || resolverType === 'Mutation' || resolverType === 'Subscription') {
          const field = (Reflect.getMetadata('graphql:resolver_name', method) as string | undefined) ?? name;
          graphql.set(`${resolverType}.${field}`, { key: `${resolverType}.${field}`, declaration });
        } else if (isController && Reflect.hasMetadata(METHOD_METADATA, method)) {
          const verb = RequestMethod[Number(Reflect.getMetadata(METHOD_METADATA, method))];
          const prefix = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
          // A handler may serve several paths (`@Post(['', 'key/:key'])`): one entry each.
          const routes = [Reflect.getMetadata(PATH_METADATA, method) as string | string[] | undefined].flat();
          for (const route of routes) {
            http.push({ key: `${verb} ${`/${prefix}/${route ?? ''}`.replace(/\/+/g, '/').replace(/\/$/, '')}`, declaration });
          }
        }
      }
    }
  }
  return { graphql, http };
}

function describeDeclaration(d: AccessDeclaration | undefined): string {
  if (!d) return 'UNDECLARED';
  if (d.publicReason !== undefined) return `public (${d.publicReason})`;
  const extras = [d.domainArg ? `domain from ${d.domainArg}` : '', d.allowApiKeys ? 'API keys accepted' : ''].filter(Boolean);
  return `${d.permission}${extras.length ? ` [${extras.join('; ')}]` : ''}`;
}

async function compareOrUpdate(file: string, actual: string, hint: string): Promise<void> {
  if (UPDATE) {
    await fs.writeFile(file, actual);
    return;
  }
  const committed = await fs.readFile(file, 'utf8').catch(() => '');
  assert.equal(actual, committed, `${path.relative(ROOT, file)} is stale: ${hint}`);
}

describe('every operation declares its permission', () => {
  let db: TestDatabase;
  let app: TestApp;
  let stack: TestStack | undefined;

  before(async () => {
    stack = await startTestStack();
    ({ db, app } = stack);
  });
  after(async () => {
    await stack?.close();
  });

  it('walks the whole schema: each root field has a handler with @Requires or @Public', () => {
    const { schema } = app.app.get(GraphQLSchemaHost);
    const { graphql } = collectHandlers(app);
    const missing: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.keys(root?.getFields() ?? {})) {
        const handler = graphql.get(`${root!.name}.${field}`);
        if (!handler?.declaration) missing.push(`${root!.name}.${field}`);
      }
    }
    assert.deepEqual(missing, [], `operations without a permission declaration: ${missing.join(', ')}`);
    assert.ok(graphql.size >= 10);
  });

  it('walks all REST routes: each has @Requires or @Public', () => {
    const { http } = collectHandlers(app);
    const missing = http.filter((h) => !h.declaration).map((h) => h.key);
    assert.deepEqual(missing, []);
    assert.ok(http.some((h) => h.key === 'GET /health/ready'));
  });

  it('refuses, at run time, a handler that declares nothing, and audits it', async () => {
    class UndeclaredController {
      handler(): string {
        return 'should never run';
      }
    }
    const request = { method: 'GET', url: '/undeclared', routeOptions: { url: '/undeclared' }, headers: {}, params: {}, query: {} };
    const handler = Object.getOwnPropertyDescriptor(UndeclaredController.prototype, 'handler')!.value as () => string;
    const context = new ExecutionContextHost([request, {}], UndeclaredController, handler);
    await assert.rejects(app.app.get(AccessGuard).canActivate(context), (error: unknown) => error instanceof AppError && error.code === ErrorCode.FORBIDDEN);
    const rows = await db.query<{ reason: string }>(`SELECT reason FROM governance_audit_events WHERE target = 'http:GET /undeclared'`);
    assert.deepEqual(rows, [{ reason: 'operation declares no permission' }]);
  });

  it('matches the committed permission map (test/snapshots/permission-map.txt)', async () => {
    const { graphql, http } = collectHandlers(app);
    const lines = [
      '# Generated by test/access-declarations.test.ts; regenerate with `npm run schema:print`.',
      '# Every GraphQL operation and REST route, and the permission it requires.',
      ...[...graphql.values()].map((h) => `graphql ${h.key.padEnd(32)} ${describeDeclaration(h.declaration)}`).sort(),
      ...http.map((h) => `http    ${h.key.padEnd(32)} ${describeDeclaration(h.declaration)}`).sort(),
    ];
    await compareOrUpdate(PERMISSION_MAP, `${lines.join('\n')}\n`, 'a permission changed; if on purpose, run `npm run schema:print` and commit');
  });

  it('matches the committed schema.graphql', async () => {
    const printed = printSchema(lexicographicSortSchema(app.app.get(GraphQLSchemaHost).schema));
    await compareOrUpdate(SCHEMA_FILE, `${printed}\n`, 'the GraphQL API changed; run `npm run schema:print` and commit schema.graphql');
  });
});
