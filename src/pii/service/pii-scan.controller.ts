import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../../auth/current-principal.decorator';
import type { Principal } from '../../auth/principal';
import { Requires } from '../../authz/requires.decorator';
import { AppError, ErrorCode, requireUuid } from '../../common/app-error';
import { CHARTER_CONFIG, type CharterConfig } from '../../config/config';
import type { PiiScanType } from './dto/pii-scan.type';
import { toPiiScan } from './pii.mapper';
import { PiiScanService, type ScanRequest } from './pii-scan.service';

/**
 * `POST /api/v1/datasets/:namespace/:name/scans`: the body is the file itself (streamed to disk,
 * see scan-upload.ts). Answers 202 with the scan id and a Location to poll (or GraphQL `piiScan(id)`).
 */
@Controller('api/v1/datasets')
export class PiiScanController {
  constructor(
    private readonly scans: PiiScanService,
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
  ) {}

  @Post(':namespace/:name/scans')
  @HttpCode(202)
  @Requires('pii.scan', { allowApiKeys: true })
  async scan(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query() query: ScanRequest['query'],
    @Headers('content-type') contentType: string | undefined,
    @Headers('content-length') contentLength: string | undefined,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ scanId: string }> {
    // Refuse a declared oversize at once rather than after reading a gigabyte.
    if (contentLength !== undefined && Number(contentLength) > this.config.scanUploadLimitBytes) {
      throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the file is larger than the upload limit of ${this.config.scanUploadLimitBytes} bytes`);
    }
    const result = await this.scans.start(principal, { namespace, name, contentType, query, body });
    void reply.header('location', `/api/v1/datasets/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/scans/${result.scanId}`);
    return result;
  }

  @Get(':namespace/:name/scans/:id')
  @Requires('pii.read', { allowApiKeys: true })
  async get(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PiiScanType> {
    const scan = await this.scans.find(principal, requireUuid('id', id));
    if (scan.namespace !== namespace || scan.name !== name) throw AppError.notFound(`PII scan ${id}`);
    return toPiiScan(scan);
  }
}
