import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../common/app-error';
import type { Principal } from './principal';

/** The caller authenticated by the access guard, in resolvers and controllers alike. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const request =
    context.getType<GqlContextType>() === 'graphql'
      ? GqlExecutionContext.create(context).getContext<{ req: FastifyRequest }>().req
      : context.switchToHttp().getRequest<FastifyRequest>();
  if (!request.principal) throw new AppError(ErrorCode.UNAUTHENTICATED, 'not signed in');
  return request.principal;
});
