import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError } from '../../common/app-error';
import { MARQUEZ_DEFAULT_DEPTH, MAX_DEPTH } from './lineage-graph.limits';
import { LineageGraphService } from './lineage-graph.service';
import { toMarquezLineage, type MarquezLineage } from './marquez.mapper';

/** Marquez's `GET /api/v1/lineage`, so Marquez clients and its web UI can read Charter. */
@Controller('api/v1')
export class MarquezLineageController {
  constructor(private readonly service: LineageGraphService) {}

  /**
   * Upstream and downstream of `nodeId`, `depth` job hops each way. The body is exactly Marquez's;
   * a partial answer (node budget or fan-out cap reached) is flagged by the
   * `X-Charter-Lineage-Partial: true` header; GraphQL `lineage` can continue it.
   */
  @Get('lineage')
  @Requires('lineage.read')
  async lineage(
    @CurrentPrincipal() principal: Principal,
    @Query('nodeId') nodeId: unknown,
    @Query('depth') depth: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MarquezLineage> {
    if (typeof nodeId !== 'string' || nodeId === '')
      throw AppError.badInput('nodeId', 'nodeId is required: dataset:<namespace>:<name> or job:<namespace>:<name>');
    const view = await this.service.marquezLineage(principal, nodeId, parseDepth(depth));
    if (view.graph.partial) void reply.header('x-charter-lineage-partial', 'true');
    return toMarquezLineage(view);
  }
}

function parseDepth(value: unknown): number {
  if (value === undefined) return MARQUEZ_DEFAULT_DEPTH;
  if (typeof value !== 'string' || !/^\d{1,3}$/.test(value) || Number(value) > MAX_DEPTH) {
    throw AppError.badInput('depth', `depth must be an integer from 0 to ${MAX_DEPTH}`);
  }
  return Number(value);
}
