import { HttpException } from '@nestjs/common';
import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AppError, ErrorCode, errorCodeForStatus } from '../app-error';

interface FormattedResponse {
  statusCode: number;
  response: { data: ExecutionResult['data'] | null; errors: GraphQLFormattedError[] };
}

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
      const original: (Error & { errors?: unknown[]; statusCode?: number }) | undefined = error.originalError ?? undefined;
      if (original && Array.isArray(original.errors)) {
        // Request-level validation failure (unknown field, wrong variable type, too deep...).
        for (const inner of original.errors) {
          const gqlError = inner instanceof GraphQLError ? inner : new GraphQLError(String((inner as Error).message ?? inner));
          // Fastify's JSON-schema check of the request body: "body/query must be string".
          const bodyField = /^body(?:\/(\w+))? /.exec(gqlError.message);
          const extensions = bodyField
            ? { code: ErrorCode.BAD_USER_INPUT, field: bodyField[1] ?? 'body' }
            : { ...gqlError.extensions, code: requestErrorCode(gqlError) };
          errors.push({ ...gqlError.toJSON(), extensions });
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
        errors.push({ ...error.toJSON(), extensions: { code: errorCodeForStatus(original.getStatus()) } });
        note(original.getStatus());
        continue;
      }
      if (original && typeof original.statusCode === 'number' && original.statusCode >= 400 && original.statusCode < 500) {
        // Transport errors from Fastify/Mercurius: malformed or empty JSON, body too large, no query.
        errors.push({ message: original.message, extensions: { code: errorCodeForStatus(original.statusCode) } });
        note(original.statusCode);
        continue;
      }
      if (!original || original instanceof GraphQLError) {
        // Raised by graphql-js itself: argument/variable coercion and validation.
        errors.push({ ...error.toJSON(), extensions: { ...error.extensions, code: requestErrorCode(error) } });
        note(400);
        continue;
      }
      logger.error({ err: original, requestId, path: error.path }, 'unexpected error in GraphQL resolver');
      errors.push({
        message: `Internal error (request ${requestId ?? 'unknown'})`,
        path: error.path,
        locations: error.locations,
        extensions: { code: ErrorCode.INTERNAL },
      });
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
  if (/^Variable "\$/.test(error.message) || /got invalid value|Expected value of type|Int cannot represent|cannot represent/.test(error.message))
    return ErrorCode.BAD_USER_INPUT;
  return 'GRAPHQL_VALIDATION_FAILED';
}
