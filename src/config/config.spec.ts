import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config';

/** Runs loadConfig and returns the ConfigError it must throw. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, 'ConfigError');
    assert.equal(error.message, error.problems.join('\n'));
    return error;
  }
  assert.fail(`loadConfig(${JSON.stringify(env)}) should have been refused`);
}

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const c = loadConfig({});
    assert.equal(c.port, 4000);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.nodeEnv, 'development');
    assert.equal(c.production, false);
    assert.equal(c.databaseUrl, undefined, 'no DATABASE_URL means the embedded PostgreSQL');
    assert.equal(c.oidc.issuerUrl, undefined, 'no OIDC_ISSUER_URL means the development identity provider');
    assert.equal(c.oidc.audience, 'charter');
    assert.equal(c.oidc.clientId, 'charter-console');
    assert.equal(c.oidc.clientSecret, undefined);
    assert.equal(c.oidc.rolesClaim, 'groups');
    assert.equal(c.oidc.clockSkewSeconds, 30);
    assert.equal(c.devIdpPort, 4001);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.bodyLimitBytes, 1_048_576);
    assert.deepEqual(c.graphql, { maxDepth: 10, maxComplexity: 1000 });
    assert.equal(c.dataDir, path.resolve('./.charter'));
    assert.equal(c.policiesDir, path.resolve('./policies'));
    assert.ok(path.isAbsolute(c.dataDir) && path.isAbsolute(c.policiesDir) && path.isAbsolute(c.reportsDir));
  });

  it('reads and converts valid values', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: ' 127.0.0.1 ',
      NODE_ENV: 'test',
      DATABASE_URL: 'postgresql://charter:pw@db:5432/charter',
      OIDC_ISSUER_URL: 'https://login.example.com/realms/charter',
      OIDC_ROLES_CLAIM: 'roles',
      LOG_LEVEL: 'debug',
      BODY_LIMIT_BYTES: '2048',
      GRAPHQL_MAX_DEPTH: '5',
      GRAPHQL_MAX_COMPLEXITY: '50',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1', 'values are trimmed');
    assert.equal(c.nodeEnv, 'test');
    assert.equal(c.production, false);
    assert.equal(c.databaseUrl, 'postgresql://charter:pw@db:5432/charter');
    assert.equal(c.oidc.issuerUrl, 'https://login.example.com/realms/charter');
    assert.equal(c.oidc.rolesClaim, 'roles');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.bodyLimitBytes, 2048);
    assert.deepEqual(c.graphql, { maxDepth: 5, maxComplexity: 50 });
  });

  it('treats blank optional strings as unset', () => {
    const c = loadConfig({ DATABASE_URL: '  ', OIDC_ISSUER_URL: '', OIDC_CLIENT_SECRET: ' ' });
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.oidc.issuerUrl, undefined);
    assert.equal(c.oidc.clientSecret, undefined);
  });

  const badValues: { variable: string; value: string; message: RegExp }[] = [
    { variable: 'PORT', value: 'abc', message: /must be a number/ },
    { variable: 'PORT', value: '70000', message: /between 1 and 65535/ },
    { variable: 'DATABASE_URL', value: 'mysql://x', message: /postgres:\/\/ or postgresql:\/\// },
    { variable: 'OIDC_ISSUER_URL', value: 'not-a-url', message: /https:\/\/ or http:\/\// },
    { variable: 'NODE_ENV', value: 'staging', message: /development, production or test/ },
    { variable: 'LOG_LEVEL', value: 'loud', message: /fatal, error, warn, info, debug, trace, silent/ },
  ];
  for (const { variable, value, message } of badValues) {
    it(`refuses ${variable}=${value} with one line naming the variable`, () => {
      const error = configError({ [variable]: value });
      assert.equal(error.problems.length, 1, error.message);
      const [line] = error.problems;
      assert.ok(new RegExp(`^${variable}[=:]`).test(line!), `the line names ${variable}: ${line}`);
      if (variable === 'DATABASE_URL') assert.ok(!line!.includes(value), `a URL that may hold a password is not echoed: ${line}`);
      else assert.ok(line!.includes(JSON.stringify(value)), `the line shows the bad value: ${line}`);
      assert.match(line!, message);
      assert.doesNotMatch(line!, /\n/);
    });
  }

  it('reports every bad variable, one line each', () => {
    const error = configError({ PORT: 'abc', NODE_ENV: 'staging', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    assert.equal(error.problems.length, 4, error.message);
    for (const variable of ['PORT', 'NODE_ENV', 'LOG_LEVEL', 'DATABASE_URL']) {
      assert.equal(error.problems.filter((p) => new RegExp(`^${variable}[=:]`).test(p)).length, 1, `one line for ${variable} in:\n${error.message}`);
    }
    assert.equal(error.message.split('\n').length, 4);
  });

  it('refuses non-integer and non-positive numbers', () => {
    assert.match(configError({ PORT: '1.5' }).problems[0]!, /^PORT=.*integer/);
    assert.match(configError({ BODY_LIMIT_BYTES: '-1' }).problems[0]!, /^BODY_LIMIT_BYTES=.*positive/);
    assert.match(configError({ GRAPHQL_MAX_DEPTH: '0' }).problems[0]!, /^GRAPHQL_MAX_DEPTH=.*positive/);
    assert.match(configError({ OIDC_CLOCK_SKEW_SECONDS: '301' }).problems[0]!, /^OIDC_CLOCK_SKEW_SECONDS=.*300/);
  });

  it('refuses NODE_ENV=production without OIDC_ISSUER_URL', () => {
    const error = configError({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/charter' });
    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0]!, /^OIDC_ISSUER_URL\b/);
    assert.match(error.message, /required when NODE_ENV=production/);
  });

  it('accepts NODE_ENV=production with an issuer', () => {
    const c = loadConfig({ NODE_ENV: 'production', OIDC_ISSUER_URL: 'https://idp.example.com', DATABASE_URL: 'postgres://db/charter' });
    assert.equal(c.production, true);
    assert.equal(c.nodeEnv, 'production');
  });

  it('puts reportsDir under dataDir unless REPORTS_DIR is set', () => {
    const dataDir = path.join(path.sep, 'var', 'lib', 'charter');
    const c = loadConfig({ CHARTER_DATA_DIR: dataDir });
    assert.equal(c.dataDir, dataDir);
    assert.equal(c.reportsDir, path.join(dataDir, 'reports'));

    const relative = loadConfig({ CHARTER_DATA_DIR: 'data' });
    assert.equal(relative.dataDir, path.resolve('data'));
    assert.equal(relative.reportsDir, path.resolve('data', 'reports'));

    const explicit = loadConfig({ CHARTER_DATA_DIR: dataDir, REPORTS_DIR: '/srv/reports' });
    assert.equal(explicit.reportsDir, path.resolve('/srv/reports'));
  });
});
