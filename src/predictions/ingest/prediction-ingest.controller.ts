import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError } from '../../common/app-error';
import {
  BATCH_TYPE,
  fromBatch,
  fromBinary,
  fromNdjson,
  fromStructured,
  NDJSON_TYPE,
  parseJsonText,
  STRUCTURED_TYPE,
  type PredictionEvent,
} from './cloudevents';
import { PredictionIngestService, type PredictionIngestResult } from './prediction-ingest.service';
import { rawJsonBody } from './prediction-parsers';

type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * The sink for Seldon Core's and KServe's payload loggers: CloudEvents over HTTP in binary,
 * structured or batch mode, and NDJSON (one structured event per line) for backfills. Answered
 * after the halves are committed.
 */
@Controller('api/v1/predictions')
export class PredictionIngestController {
  constructor(private readonly ingest: PredictionIngestService) {}

  /** `key/:key`: the same, authenticated by the API key in the path (loggers that cannot set headers). */
  @Post(['', 'key/:key'])
  @HttpCode(200)
  @Requires('predictions.ingest', { allowApiKeys: true })
  post(
    @Body() body: unknown,
    @Headers() headers: HeaderMap,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PredictionIngestResult> {
    return this.ingest.ingest(toEvents(body, headers, rawJsonBody(request)), principal.subject);
  }
}

function toEvents(body: unknown, headers: HeaderMap, rawJson: string | null): PredictionEvent[] {
  const header = headers['content-type'];
  const contentType = (Array.isArray(header) ? header[0] : header) ?? null;
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === BATCH_TYPE) {
    const json = text(body);
    return fromBatch(parseJsonText(json, '/'), json);
  }
  if (mediaType === STRUCTURED_TYPE) {
    const json = text(body);
    return [fromStructured(parseJsonText(json, '/'), '', undefined, json, 0)];
  }
  if (mediaType === NDJSON_TYPE) return fromNdjson(text(body));
  return [fromBinary(headers, body, contentType, rawJson)];
}

function text(body: unknown): string {
  if (typeof body !== 'string') throw AppError.badInput('/', 'the body must be text');
  return body;
}
