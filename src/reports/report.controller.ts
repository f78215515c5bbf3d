import { Controller, Get, Param, Res, StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Requires } from '../authz/requires.decorator';
import { AppError } from '../common/app-error';
import type { ReportFile } from './report.repository';
import { ReportService } from './report.service';

const FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(pdf|json|manifest\.json)$/i;
const FORMATS: Record<string, { file: ReportFile; type: string; suffix: string }> = {
  pdf: { file: 'pdf', type: 'application/pdf', suffix: 'pdf' },
  json: { file: 'json', type: 'application/json', suffix: 'json' },
  'manifest.json': { file: 'manifest', type: 'application/json', suffix: 'manifest.json' },
};

/**
 * `GET /api/v1/reports/{id}.pdf|.json|.manifest.json`: the pack's files, to callers who may read the
 * report; every download is audited. `GET /api/v1/reports/signing-key`: the public key that verifies
 * manifests, for auditors checking packs offline (`charter verify-report --public-key`).
 */
@Controller('api/v1/reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('signing-key')
  @Requires('report.verify')
  signingKey(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type('application/x-pem-file');
    return this.reports.publicKeyPem();
  }

  @Get(':file')
  @Requires('report.read')
  async download(
    @Param('file') file: string,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const match = FILE.exec(file);
    if (!match) throw AppError.badInput('file', 'expected <report id>.pdf, <report id>.json or <report id>.manifest.json');
    const format = FORMATS[match[2]!.toLowerCase()]!;
    const { row, data } = await this.reports.download(principal, match[1]!.toLowerCase(), format.file);
    void reply.header('x-charter-pack-hash', row.pack_hash ?? '');
    return new StreamableFile(data, {
      type: format.type,
      disposition: `attachment; filename="charter-report-${row.id}.${format.suffix}"`,
      length: data.length,
    });
  }
}
