/** Stable error codes shared by GraphQL (`extensions.code`) and REST (`code`). */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  INTERNAL = 'INTERNAL',
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.INTERNAL]: 500,
};

const CODE_FOR_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
};

/** The code for an HTTP status raised by the framework (Fastify, Mercurius, Nest). */
export function errorCodeForStatus(status: number): ErrorCode {
  return CODE_FOR_STATUS[status] ?? (status < 500 ? ErrorCode.BAD_USER_INPUT : ErrorCode.INTERNAL);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is bad input, not a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function requireUuid(field: string, value: string): string {
  if (!UUID.test(value)) throw AppError.badInput(field, `${field} must be a UUID`);
  return value;
}

/** GraphQL's DateTime scalar lets an unparseable string through as an Invalid Date. */
export function requireValidDate(field: string, value: Date): Date {
  if (Number.isNaN(value.getTime())) throw AppError.badInput(field, `${field} must be an ISO 8601 date-time`);
  return value;
}

/**
 * The one error type services throw. The transport layer (GraphQL formatter, REST filter)
 * turns it into `extensions.code` / an HTTP status; services never throw HTTP exceptions.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, as a dotted path (`input.domain`) or JSON pointer, for BAD_USER_INPUT. */
    readonly field?: string,
    /** Further machine-readable facts about the failure (the schema rule, the batch index...). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  static badInput(field: string, message: string): AppError {
    return new AppError(ErrorCode.BAD_USER_INPUT, message, field);
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}
