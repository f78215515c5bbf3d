import { HttpException } from '@nestjs/common';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AppError, ErrorCode } from '../app-error';

interface FormattedResponse {
  statusCode: number;
  response: { data: ExecutionResult['data'] | null; errors: GraphQLFormattedError[] };
}

const HTTP_STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
};

/**
 * The one place GraphQL errors get their stable `extensions.code` (and `field` for bad input).
 * Unexpected errors are logged with the request id and shown as a generic INTERNAL error.
 */
export function formatGraphqlErrors(logger: Logger) {
  return (execution: ExecutionResult & { statusCode?: number }, context: { reply?: { request: { id: string } } }): FormattedResponse => {
    const requestId = context.reply?.request.id;
    const errors: GraphQLFormattedError[] = [];
    let status = 0;
    const note = (s: number) => (status = status === 0 ? s : Math.max(status, s));

    for (const error of execution.errors ?? []) {
      const original: (Error & { errors?: unknown[] }) | undefined = error.originalError ?? undefined;
      if (original && Array.isArray(original.errors)) {
        // Request-level validation failure (unknown field, wrong variable type, too deep...).
        for (const inner of original.errors) {
          const gqlError = inner instanceof GraphQLError ? inner : new GraphQLError(String((inner as Error).message ?? inner));
          errors.push({ ...gqlError.toJSON(), extensions: { ...gqlError.extensions, code: requestErrorCode(gqlError) } });
        }
        note(400);
        continue;
      }
      if (original instanceof AppError) {
        errors.push({ ...error.toJSON(), extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) } });
        note(original.httpStatus);
        continue;
      }
      if (original instanceof HttpException) {
        const code = HTTP_STATUS_TO_CODE[original.getStatus()] ?? ErrorCode.INTERNAL;
        errors.push({ ...error.toJSON(), extensions: { code } });
        note(original.getStatus());
        continue;
      }
      if (!original || original instanceof GraphQLError) {
        // Raised by graphql-js itself: argument/variable coercion and validation.
        errors.push({ ...error.toJSON(), extensions: { ...error.extensions, code: requestErrorCode(error) } });
        note(400);
        continue;
      }
      logger.error({ err: original, requestId, path: error.path }, 'unexpected error in GraphQL resolver');
      errors.push({ message: `Internal error (request ${requestId ?? 'unknown'})`, path: error.path, locations: error.locations, extensions: { code: ErrorCode.INTERNAL } });
      note(500);
    }
    // Partial results stay 200 as GraphQL-over-HTTP expects; a failed request gets the error's status.
    const statusCode = execution.data ? 200 : status || execution.statusCode || 200;
    return { statusCode, response: { data: execution.data ?? null, errors } };
  };
}

function requestErrorCode(error: GraphQLError): string {
  if (typeof error.extensions?.['code'] === 'string' && error.extensions['code'] !== 'INTERNAL_SERVER_ERROR') return error.extensions['code'];
  if (/^Syntax Error/.test(error.message)) return 'GRAPHQL_PARSE_FAILED';
  if (/^Variable "\$/.test(error.message) || /got invalid value|Expected value of type|Int cannot represent|cannot represent/.test(error.message)) return ErrorCode.BAD_USER_INPUT;
  return 'GRAPHQL_VALIDATION_FAILED';
}
