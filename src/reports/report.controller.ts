import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { AppError } from '../common/app-error';
import { ReportService } from './report.service';

const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(pdf|json)$/i;

/** `GET /api/v1/reports/{id}.pdf|.json`: the pack file, to callers who may read the report; every download is audited. */
@Controller('api/v1/reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get(':file')
  @Requires('report.read')
  async download(
    @Param('file') file: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const match = FILE.exec(file);
    if (!match) throw AppError.badInput('file', 'expected <report id>.pdf or <report id>.json');
    const format = match[2]!.toLowerCase() as 'pdf' | 'json';
    const { row, data } = await this.reports.download(principal, match[1]!.toLowerCase(), format);
    void reply.header('x-charter-pack-hash', row.pack_hash ?? '');
    return new StreamableFile(data, {
      type: format === 'pdf' ? 'application/pdf' : 'application/json',
      disposition: `attachment; filename="charter-report-${row.id}.${format}"`,
      length: data.length,
    });
  }
}
