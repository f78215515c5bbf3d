import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

export const PINO_LOGGER = Symbol('PINO_LOGGER');

/** JSON logs on stdout; every request log line carries `reqId` (Fastify's request id). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'charter' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Routes Nest's own log calls into the same pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: string, trace?: string): void {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, trace, ...message });
    else this.logger[level]({ context, trace }, String(message));
  }
}
