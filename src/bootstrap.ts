import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as path from 'node:path';
import type { Logger } from 'pino';
import { createCharterApp } from './app.factory';
import { DEMO_USERS } from './auth/dev-idp/demo-users';
import { DEV_CONSOLE_REDIRECT_URIS, startDevIdentityProvider, type RunningDevIdentityProvider } from './auth/dev-idp/dev-identity-provider';
import { writeDevIdpState } from './auth/dev-idp/dev-idp-client';
import type { CharterConfig } from './config/config';
import { startEmbeddedPostgres, takeOverShutdownSignals, type RunningEmbeddedPostgres } from './database/embedded-postgres';
import { applyMigrations } from './database/migrations';

export interface RunningCharter {
  app: NestFastifyApplication;
  url: string;
  config: CharterConfig;
  devIdp?: RunningDevIdentityProvider;
  /** Stops in order: HTTP server (drains requests), database pool, dev identity provider, embedded PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * Resolves what the configuration leaves unset (embedded PostgreSQL, built-in identity provider),
 * applies migrations, and starts listening.
 */
export async function startCharter(config: CharterConfig, logger: Logger): Promise<RunningCharter> {
  let embedded: RunningEmbeddedPostgres | undefined;
  let devIdp: RunningDevIdentityProvider | undefined;
  let app: NestFastifyApplication | undefined;
  const stop = async () => {
    await app?.close();
    await devIdp?.close();
    await embedded?.stop();
  };
  // Importing embedded-postgres installs exit-on-signal handlers; Charter orders its own shutdown.
  takeOverShutdownSignals();
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, logger);
      databaseUrl = embedded.url;
      logger.info({ dataDir: path.join(config.dataDir, 'postgres') }, 'embedded PostgreSQL started (no DATABASE_URL set)');
    }
    for (const name of await applyMigrations(databaseUrl)) logger.info({ migration: name }, 'migration applied');

    let issuerUrl = config.oidc.issuerUrl;
    if (!issuerUrl) {
      const issuer = `http://localhost:${config.devIdpPort}`;
      devIdp = await startDevIdentityProvider({
        host: '127.0.0.1',
        port: config.devIdpPort,
        issuer,
        audience: config.oidc.audience,
        rolesClaim: config.oidc.rolesClaim,
        keysFile: path.join(config.dataDir, 'dev-idp-keys.json'),
        // The console signs in on whichever port Charter listens (and on Vite's dev server).
        consoleRedirectUris: [...new Set([`http://localhost:${config.port}/auth/callback`, ...DEV_CONSOLE_REDIRECT_URIS])],
      });
      await writeDevIdpState(config.dataDir, devIdp.issuer);
      issuerUrl = devIdp.issuer;
    }

    const effective: CharterConfig = { ...config, databaseUrl, oidc: { ...config.oidc, issuerUrl } };
    app = await createCharterApp(effective, logger);
    await app.listen(config.port, config.host);
    const url = `http://localhost:${config.port}`;
    return { app, url, config: effective, devIdp, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

export function banner(charter: RunningCharter): string {
  const lines = [
    '',
    `  Charter is running at ${charter.url}`,
    `    GraphQL   ${charter.url}/graphql${charter.config.production ? '' : `   (GraphiQL: ${charter.url}/graphiql)`}`,
    `    Health    ${charter.url}/health/ready     Metrics ${charter.url}/metrics`,
    `    Database  ${charter.config.databaseUrl && !process.env['DATABASE_URL'] ? `embedded PostgreSQL in ${path.join(charter.config.dataDir, 'postgres')}` : 'DATABASE_URL'}`,
  ];
  if (charter.devIdp) {
    const bar = '!'.repeat(78);
    lines.push(
      '',
      `  ${bar}`,
      '  !!  DEVELOPMENT IDENTITY PROVIDER - NOT FOR PRODUCTION. Set OIDC_ISSUER_URL to your IdP.',
      `  !!  Issuer: ${charter.devIdp.issuer}   (password = user name)`,
      '  !!  Demo users:',
      ...DEMO_USERS.map((u) => `  !!    ${u.username.padEnd(11)} ${u.groups.join(', ')}`),
      '  !!  Get a token:  npm run -s token -- risk',
      `  ${bar}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
