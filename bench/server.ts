/**
 * The Charter server under test for bench/authz.bench.ts, one per child process so the load
 * generator does not share its event loop. Configuration comes from the environment (as in
 * production, through loadConfig); BENCH_GUARD=off replaces the access guard with BypassGuard.
 *
 * Requests from the parent (see ipc.ts): `memory`, `probe` (is a given rule in effect?) and
 * `authz` (times AuthenticationService.authenticate and AuthorizationService.check, called directly).
 */
import 'reflect-metadata';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createCharterApp } from '../src/app.factory';
import type { Principal } from '../src/auth/principal';
import { AuthenticationService } from '../src/auth/authentication.service';
import { TOKEN_VERIFIER } from '../src/auth/auth.tokens';
import type { TokenVerifier } from '../src/auth/token-verifier';
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
  /** Timed calls per `check` row (one-role allowed, denied, assigned role, random domains). */
  checks: number;
  /** Distinct subjects never seen before, each checked once. */
  newSubjects: number;
  /** A subject holding a persisted role assignment (a `g` line) and no role from its token. */
  assigned: { subject: string; domain: string };
  /** An `Authorization` header with a real access token, to time authentication as the guard does it. */
  authorization: string;
  authentications: number;
  /** Distinct valid access tokens of the same user, never presented to the server before. */
  freshTokens: string[];
}

export interface TimingUs {
  n: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
}

/** Heap still in use after a run (both sides after a full GC), in KiB; absent if GC could not be forced. */
export type Retained = TimingUs & { retainedKiB?: number };

export interface AuthzBenchResult {
  /** authenticate with the token already verified once: verified-token cache hit + principal cache hit. */
  authenticateCached: TimingUs;
  /** authenticate with a token never seen: RS256 verification (jose) + principal cache hit. */
  authenticateFresh: TimingUs;
  /** TokenVerifier's private uncached path (jwtVerify) on one token, reached past `private`: the signature check alone. */
  verifyUncached: TimingUs;
  /** check(principal with one role from its token, permission it holds): allowed. */
  oneRole: TimingUs;
  /** check(same principal, permission no line grants): denied by default. */
  denied: TimingUs;
  /** check(principal whose only role is a persisted assignment in one domain): allowed in that domain. */
  assigned: TimingUs & { domain: string };
  /** check for `newSubjects` distinct subjects, each the first time. */
  newSubjects: Retained;
  /** oneRole again, after the new subjects were seen. */
  oneRoleAfter: TimingUs;
  /** check(one-role principal, permission, a domain never seen before) per call. */
  randomDomains: Retained;
  /** Policy lines the running snapshot holds. */
  snapshotSize?: number;
}

/** What the bench reads past `private` (measurement only). */
interface AuthorizationInternals {
  snapshot?: { size?: number };
}
interface VerifierInternals {
  verifyUncached?: (token: string) => Promise<unknown>;
}

function summary(samples: Float64Array): TimingUs {
  const n = samples.length;
  samples.sort();
  const at = (p: number) => samples[Math.min(n, Math.max(1, Math.ceil((p / 100) * n))) - 1]!;
  let sum = 0;
  for (const s of samples) sum += s;
  return { n, meanUs: sum / n, p50Us: at(50), p99Us: at(99) };
}

async function timeAsync(n: number, fn: (i: number) => Promise<void>): Promise<TimingUs> {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return summary(samples);
}

/** Synchronous calls, timed one by one (hrtime adds ~0.1 µs to each sample). */
function timeSync(n: number, fn: (i: number) => void): TimingUs {
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return summary(samples);
}

/** A full GC, when it can be had without restarting node with --expose-gc. */
function forcedGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? () => void (gc as () => void)() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Times `fn` and reports the heap it left behind (measured after a full GC on both sides).
 * `settle` runs between the first GC and the timing, so the first samples do not pay for the
 * caches a full GC leaves cold; its garbage is collected before the second measurement.
 */
function timeSyncRetained(n: number, fn: (i: number) => void, settle: () => void, gc: (() => void) | undefined): Retained {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  settle();
  const t = timeSync(n, fn);
  if (!gc) return t;
  gc();
  return { ...t, retainedKiB: (process.memoryUsage().heapUsed - before) / 1024 };
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
  const verifier = app.get<TokenVerifier>(TOKEN_VERIFIER);

  const expect = (p: Principal, permission: string, allowed: boolean, domain?: string) => {
    const d = authz.check(p, permission, domain);
    if (d.allowed !== allowed) throw new Error(`${p.subject} ${permission}${domain ? ` in ${domain}` : ''}: expected ${allowed ? 'allow' : 'deny'}`);
    return d;
  };

  serveParent(
    port,
    {
      probe: (payload) => {
        const { subject, permission, domain } = payload as ProbeRequest;
        return authz.check(benchPrincipal(subject, []), permission, domain).allowed;
      },
      authz: async (payload): Promise<AuthzBenchResult> => {
        const { checks, newSubjects, assigned, authorization, authentications, freshTokens } = payload as AuthzBenchRequest;
        const gc = forcedGc();
        const authenticate = (header: string) => authentication.authenticate(header, { allowApiKeys: false, operation: 'bench' });

        // Authentication. The token of the HTTP runs is in the verified-token cache already.
        const risk = await authenticate(authorization);
        const authenticateOnce = async () => {
          if ((await authenticate(authorization)).id !== risk.id) throw new Error('authenticate returned another principal');
        };
        for (let i = 0; i < 200; i++) await authenticateOnce();
        const authenticateCached = await timeAsync(authentications, authenticateOnce);
        const uncached = (verifier as unknown as VerifierInternals).verifyUncached?.bind(verifier);
        if (typeof uncached !== 'function') throw new Error('TokenVerifier has no private verifyUncached any more: update bench/server.ts');
        const token = authorization.replace(/^Bearer\s+/i, '');
        for (let i = 0; i < 200; i++) await uncached(token);
        const verifyUncached = await timeAsync(authentications, () => uncached(token).then(() => undefined));
        const authenticateFresh = await timeAsync(freshTokens.length, async (i) => {
          if ((await authenticate(`Bearer ${freshTokens[i]!}`)).id !== risk.id) throw new Error('a fresh token resolved to another principal');
        });

        // Authorization: every check is synchronous and reads only the current snapshot.
        const assignee = benchPrincipal(assigned.subject, []);
        const warm = () => {
          expect(risk, 'self.read', true);
          expect(risk, 'nothing.read', false);
          expect(assignee, 'self.read', true);
          expect(benchPrincipal('user:bench-unassigned', []), 'self.read', false);
        };
        for (let i = 0; i < 2000; i++) warm();
        const oneRole = timeSync(checks, () => void expect(risk, 'self.read', true));
        const denied = timeSync(checks, () => void expect(risk, 'nothing.read', false));
        const decidedIn = expect(assignee, 'self.read', true).domain;
        if (decidedIn !== assigned.domain) throw new Error(`${assigned.subject}: allowed in ${decidedIn}, expected ${assigned.domain}`);
        const assignedTiming = timeSync(checks, () => void expect(assignee, 'self.read', true));
        const subjects = Array.from({ length: newSubjects }, (_, i) => benchPrincipal(`user:bench-new-${i}`, risk.roles));
        const settle = () => {
          for (let i = 0; i < 1000; i++) expect(risk, 'self.read', true);
        };
        const newSubjectsTiming = timeSyncRetained(newSubjects, (i) => void expect(subjects[i]!, 'self.read', true), settle, gc);
        const oneRoleAfter = timeSync(checks, () => void expect(risk, 'self.read', true));
        const salt = Math.random().toString(36).slice(2, 8);
        const domains = Array.from({ length: checks }, (_, i) => `bench-${salt}-${i}`);
        const randomDomains = timeSyncRetained(checks, (i) => void expect(risk, 'self.read', true, domains[i]), settle, gc);

        return {
          authenticateCached,
          authenticateFresh,
          verifyUncached,
          oneRole,
          denied,
          assigned: { ...assignedTiming, domain: decidedIn },
          newSubjects: newSubjectsTiming,
          oneRoleAfter,
          randomDomains,
          snapshotSize: (authz as unknown as AuthorizationInternals).snapshot?.size,
        };
      },
    },
    () => app.close(),
  );
}

main().catch(failStartup);
