import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError, ErrorCode } from '../../common/app-error';
import { LineageIngestService, type IngestResult } from './lineage-ingest.service';

/**
 * Marquez-compatible OpenLineage endpoint: point `OPENLINEAGE_URL` at Charter and Airflow, Spark,
 * dbt or Flink send their events unchanged. One event per request (201, as Marquez), or a batch
 * as a JSON array or NDJSON (`application/x-ndjson`) for backfills.
 */
@Controller('api/v1/lineage')
export class LineageIngestController {
  constructor(private readonly ingest: LineageIngestService) {}

  @Post()
  @HttpCode(201)
  @Requires('lineage.ingest', { allowApiKeys: true })
  async post(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @CurrentPrincipal() principal: Principal): Promise<IngestResult> {
    const events = (contentType ?? '').startsWith('application/x-ndjson') ? parseNdjson(body) : Array.isArray(body) ? body : [body];
    if (events.length === 0) throw AppError.badInput('/', 'the batch holds no events');
    return this.ingest.ingest(events, principal.subject);
  }
}

function parseNdjson(body: unknown): unknown[] {
  if (typeof body !== 'string') throw AppError.badInput('/', 'an NDJSON body must be text');
  const events: unknown[] = [];
  for (const [i, line] of body.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch (error) {
      throw new AppError(ErrorCode.BAD_USER_INPUT, `line ${i + 1} is not JSON: ${(error as Error).message}`, '/', { line: i + 1 });
    }
  }
  return events;
}
