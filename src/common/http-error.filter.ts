import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError, ErrorCode, errorCodeForStatus } from './app-error';

/** REST counterpart of the GraphQL error formatter: `{ statusCode, code, message, field?, requestId }`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception; // GraphQL errors go through the formatter
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let body: Record<string, unknown>;
    if (exception instanceof AppError) {
      status = exception.httpStatus;
      body = { code: exception.code, message: exception.message, ...(exception.field ? { field: exception.field } : {}), ...exception.details };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? exception.message);
      body = { code: errorCodeForStatus(status), message };
    } else {
      this.logger.error({ err: exception, requestId: request.id }, 'unexpected error in REST handler');
      body = { code: ErrorCode.INTERNAL, message: `Internal error (request ${request.id})` };
    }
    void reply.status(status).send({ statusCode: status, ...body, requestId: request.id });
  }
}
