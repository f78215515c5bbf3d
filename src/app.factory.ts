import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { Logger } from 'pino';
import { AppModule, type AppOptions } from './app.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { PinoNestLogger } from './common/logger';
import { requestContext } from './common/request-context';
import type { CharterConfig } from './config/config';
import { MetricsService } from './metrics/metrics.service';
import { registerScanUploadParsers } from './pii/service/scan-upload';
import { registerPredictionParsers } from './predictions/ingest/prediction-parsers';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the Nest application on Fastify (chosen by bench/authz: see README "Performance"). */
export async function createCharterApp(config: CharterConfig, logger: Logger, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One access-log line per request (onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // An incoming x-request-id is kept only if it looks like an id: it lands in the audit log.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: true,
    // Request bodies are validated, never coerced: `{"query": 42}` is an error, not the string "42".
    ajv: { customOptions: { coerceTypes: false } },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, options), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new HttpErrorFilter(logger));

  const fastify = app.getHttpAdapter().getInstance();
  // Bulk backfills arrive as NDJSON; the ingest controllers split and parse the lines themselves
  // so an error can name the line.
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: config.ingestBodyLimitBytes }, (_request, body, done) =>
    done(null, body),
  );
  registerScanUploadParsers(fastify);
  registerPredictionParsers(fastify, config.ingestBodyLimitBytes);
  const metrics = app.get(MetricsService);
  // Bound after the body is parsed, so the context survives into guards, resolvers and services.
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestContext.enterWith({ requestId: request.id });
    done();
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    const line = { reqId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (reply.statusCode >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  });

  await app.init();
  return app;
}
