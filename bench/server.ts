/**
 * The Charter server under test for bench/authz.bench.ts, one per child process so the load
 * generator does not share its event loop. Configuration comes from the environment (as in
 * production, through loadConfig); BENCH_GUARD=off replaces the access guard with BypassGuard.
 *
 * Requests from the parent (see ipc.ts): `memory`, `probe` (is a given rule in effect?) and
 * `authz` (times AuthorizationService.check on cached and uncached decisions).
 */
import 'reflect-metadata';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createCharterApp } from '../src/app.factory';
import type { Principal } from '../src/auth/principal';
import { AuthenticationService } from '../src/auth/authentication.service';
import { AuthorizationService } from '../src/authz/authorization.service';
import { createLogger } from '../src/common/logger';
import { loadConfig } from '../src/config/config';
import { failStartup, serveParent } from './ipc';

/** The principal BypassGuard attaches to every request (the `risk` user as guarded app A resolved it). */
function fixedPrincipal(): Principal {
  const raw = process.env['BENCH_PRINCIPAL'];
  if (!raw) throw new Error('BENCH_GUARD=off needs BENCH_PRINCIPAL (JSON of a Principal)');
  return JSON.parse(raw) as Principal;
}

/**
 * The guard off: no token verification, no policy check, no audit. It attaches a fixed principal
 * so resolvers that read the caller behave exactly as behind the real guard.
 */
@Injectable()
class BypassGuard implements CanActivate {
  private readonly principal = fixedPrincipal();

  canActivate(context: ExecutionContext): boolean {
    const request =
      context.getType<GqlContextType>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req
        : context.switchToHttp().getRequest<FastifyRequest>();
    request.principal = this.principal;
    return true;
  }
}

export interface ProbeRequest {
  subject: string;
  permission: string;
  domain: string;
}

export interface AuthzBenchRequest {
  cachedChecks: number;
  uncachedChecks: number;
  /** Subjects to link before timing cache misses again (0: skip). */
  extraSubjects: number;
  /** An `Authorization` header with a real access token, to time authentication as the guard does it. */
  authorization: string;
  authentications: number;
}

export interface TimingUs {
  n: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
}

export interface AuthzBenchResult {
  /** AuthenticationService.authenticate on a known token: RS256 signature check (jose) + principal cache hit. */
  authenticate: TimingUs;
  /** Same principal, same permission: the decision cache answers. */
  cached: TimingUs;
  /** A subject already linked, a permission not yet decided: one Casbin enforce over every rule (allowed). */
  missAllow: TimingUs;
  /** As missAllow but denied: enforce, then explain (a second pass) to name the deciding rule. */
  missDeny: TimingUs;
  /** A subject never seen (first request of a user after start or reload): role links + cache reset + enforce. */
  newSubject: TimingUs;
  /** As missAllow, after `extraSubjects` more subjects were linked (users seen since the last policy load); absent if not measurable. */
  missAllowAfterSubjects?: TimingUs & { subjects: number };
}

/**
 * The snapshot's role linking, reached past `private` to link many subjects without paying an
 * enforce for each: measurement only, to show how the uncached cost grows with subjects seen.
 */
interface SnapshotInternals {
  snapshot?: { linkRoles?: (subject: string, roles: Principal['roles']) => Promise<void> };
}

async function time(n: number, fn: (i: number) => Promise<void>): Promise<TimingUs> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  const at = (p: number) => samples[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1]!;
  let sum = 0;
  for (const s of samples) sum += s;
  return { n, meanUs: sum / n, p50Us: at(50), p99Us: at(99) };
}

function benchPrincipal(subject: string, roles: Principal['roles']): Principal {
  return { id: subject, subject, kind: 'user', via: 'oidc', roles };
}

async function main(): Promise<void> {
  const guardOff = process.env['BENCH_GUARD'] === 'off';
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const app = await createCharterApp(config, logger, guardOff ? { accessGuard: BypassGuard } : {});
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const authz = app.get(AuthorizationService);
  const authentication = app.get(AuthenticationService);

  const expectAllowed = async (p: Principal, permission: string, allowed: boolean) => {
    const d = await authz.check(p, permission);
    if (d.allowed !== allowed) throw new Error(`${p.subject} ${permission}: expected ${allowed ? 'allow' : 'deny'}`);
  };

  serveParent(
    port,
    {
      probe: async (payload) => {
        const { subject, permission, domain } = payload as ProbeRequest;
        return (await authz.check(benchPrincipal(subject, []), permission, domain)).allowed;
      },
      authz: async (payload): Promise<AuthzBenchResult> => {
        const { cachedChecks, uncachedChecks, extraSubjects, authorization, authentications } = payload as AuthzBenchRequest;
        const authenticateOnce = async () => {
          const p = await authentication.authenticate(authorization, { allowApiKeys: false, operation: 'bench' });
          if (!p.id) throw new Error('authenticate returned no principal');
        };
        for (let i = 0; i < 200; i++) await authenticateOnce();
        const authenticate = await time(authentications, authenticateOnce);
        const risk = benchPrincipal('user:bench-cached', [{ role: 'risk_officer', domain: '*' }]);
        const admin = benchPrincipal('user:bench-admin', [{ role: 'admin', domain: '*' }]);
        // Warm the code paths (JIT) before timing; the decisions these leave are not re-used below.
        for (let i = 0; i < 1000; i++) await expectAllowed(risk, 'self.read', true);
        for (let i = 0; i < 5; i++) {
          await expectAllowed(admin, `warm${i}.read`, true);
          await expectAllowed(risk, `warm${i}.read`, false);
          await expectAllowed(benchPrincipal(`user:bench-warm-${i}`, risk.roles), 'self.read', true);
        }
        await expectAllowed(risk, 'self.read', true);
        const cached = await time(cachedChecks, () => expectAllowed(risk, 'self.read', true));
        const missAllow = await time(uncachedChecks, (i) => expectAllowed(admin, `uncached${i}.read`, true));
        const missDeny = await time(uncachedChecks, (i) => expectAllowed(risk, `uncached${i}.read`, false));
        const newSubject = await time(uncachedChecks, (i) => expectAllowed(benchPrincipal(`user:bench-new-${i}`, risk.roles), 'self.read', true));
        let missAllowAfterSubjects: AuthzBenchResult['missAllowAfterSubjects'];
        const snapshot = (authz as unknown as SnapshotInternals).snapshot;
        if (extraSubjects > 0 && typeof snapshot?.linkRoles === 'function') {
          for (let i = 0; i < extraSubjects; i++) await snapshot.linkRoles(`user:bench-extra-${i}`, risk.roles);
          const after = await time(Math.min(uncachedChecks, 5), (i) => expectAllowed(admin, `after${i}.read`, true));
          missAllowAfterSubjects = { ...after, subjects: extraSubjects };
        }
        return { authenticate, cached, missAllow, missDeny, newSubject, missAllowAfterSubjects };
      },
    },
    () => app.close(),
  );
}

main().catch(failStartup);
