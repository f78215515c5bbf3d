import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { AuthenticationService } from '../auth/authentication.service';
import { AppError, ErrorCode } from '../common/app-error';
import { GovernanceAuditService } from '../governance-audit/governance-audit.service';
import { principalLabel } from '../governance-audit/principal-label';
import { MetricsService } from '../metrics/metrics.service';
import { AuthorizationService } from './authorization.service';
import { ACCESS_DECLARATION, type AccessDeclaration } from './requires.decorator';

export interface GraphqlRequestContext {
  req: FastifyRequest;
}

/**
 * The one guard every GraphQL operation and REST route passes: it refuses undeclared handlers,
 * authenticates the caller once per request, checks the declared permission with Casbin, and
 * audits every denial.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
    private readonly authorization: AuthorizationService,
    private readonly audit: GovernanceAuditService,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const declaration = this.reflector.getAllAndOverride<AccessDeclaration | undefined>(ACCESS_DECLARATION, [context.getHandler(), context.getClass()]);
    const { request, operation, args } = describe(context);
    if (!declaration) {
      this.metrics.authzDecisions.inc({ outcome: 'undeclared' });
      await this.audit.recordIndependently({ action: 'authz.check', decision: 'deny', target: operation, reason: 'operation declares no permission' });
      throw new AppError(ErrorCode.FORBIDDEN, `${operation} declares no permission and is refused`);
    }
    if (declaration.publicReason !== undefined) return true;

    let principal = request.principal;
    if (!principal) {
      try {
        principal = await this.authentication.authenticate(request.headers.authorization, { allowApiKeys: declaration.allowApiKeys === true, operation });
      } catch (error) {
        this.metrics.authzDecisions.inc({ outcome: 'unauthenticated' });
        throw error;
      }
      request.principal = principal;
    } else if (principal.via === 'api_key' && !declaration.allowApiKeys) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'API keys are accepted only on ingest routes; use an access token');
    }

    const permission = declaration.permission!;
    const domain = declaration.domainArg ? readDomain(args, declaration.domainArg) : undefined;
    const decision = this.authorization.check(principal, permission, domain);
    this.metrics.authzDecisions.inc({ outcome: decision.allowed ? 'allow' : 'deny' });
    if (decision.allowed) return true;

    await this.audit.recordIndependently({
      action: 'authz.check',
      decision: 'deny',
      actorId: principal.id,
      actorLabel: principalLabel(principal),
      target: operation,
      reason: decision.matched
        ? `denied by policy p, ${decision.matched.sub}, ${decision.matched.dom}, ${decision.matched.obj}, ${decision.matched.act}, deny`
        : `no policy grants ${permission}`,
      details: { permission, domain: decision.domain, roles: principal.roles },
    });
    throw new AppError(ErrorCode.FORBIDDEN, `${permission} is not granted${domain ? ` in domain ${domain}` : ''}`);
  }
}

function describe(context: ExecutionContext): { request: FastifyRequest; operation: string; args: Record<string, unknown> } {
  if (context.getType<GqlContextType>() === 'graphql') {
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<{ parentType: { name: string }; fieldName: string }>();
    return {
      request: gql.getContext<GraphqlRequestContext>().req,
      operation: `graphql:${info.parentType.name}.${info.fieldName}`,
      args: gql.getArgs<Record<string, unknown>>(),
    };
  }
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return {
    request,
    operation: `http:${request.method} ${request.routeOptions.url ?? request.url}`,
    args: { ...(request.params as object), ...(request.query as object), ...(typeof request.body === 'object' ? (request.body as object) : {}) },
  };
}

function readDomain(args: Record<string, unknown>, path: string): string {
  let value: unknown = args;
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  if (typeof value !== 'string' || value === '') throw AppError.badInput(path, `${path} is required`);
  return value;
}
