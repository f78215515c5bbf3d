import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { AppError, ErrorCode, requireUuid } from '../common/app-error';
import { PACK_PDF, type SignedManifest } from './integrity/manifest';
import { verifyPackFile, type ManifestLookup, type ReportVerification } from './integrity/verify';
import { ReportRepository } from './report.repository';
import { ReportService } from './report.service';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** verifyReport: an uploaded file, or a stored pack's PDF by report id, checked against its signed manifest. */
@Injectable()
export class ReportVerificationService {
  constructor(
    private readonly reports: ReportService,
    private readonly repository: ReportRepository,
  ) {}

  async verify(principal: Principal, input: { reportId?: string | null; fileBase64?: string | null }): Promise<ReportVerification> {
    if ((input.reportId == null) === (input.fileBase64 == null)) throw AppError.badInput('reportId', 'give exactly one of reportId and fileBase64');
    if (input.fileBase64 != null) {
      const text = input.fileBase64.replace(/\s+/g, '');
      if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text))
        throw AppError.badInput('fileBase64', 'fileBase64 must be the file encoded as base64');
      return verifyPackFile(Buffer.from(text, 'base64'), this.lookup, this.reports.signingKey.publicKey);
    }
    const row = await this.reports.find(principal, requireUuid('reportId', input.reportId!));
    if (row.status !== 'succeeded') throw new AppError(ErrorCode.CONFLICT, `report ${row.id} is ${row.status}: there is no pack to verify yet`);
    const pdf = await this.reports.storage.read(row.id, PACK_PDF);
    if (!pdf) throw new AppError(ErrorCode.NOT_FOUND, `the PDF of report ${row.id} is no longer in the reports directory`);
    return verifyPackFile(pdf, this.lookup, this.reports.signingKey.publicKey);
  }

  /** Manifests are found through the database (pack hash or id), then read from REPORTS_DIR; the signature is what vouches for them. */
  private readonly lookup: ManifestLookup = async (by): Promise<SignedManifest | null> => {
    const row = 'packHash' in by ? await this.repository.findByPackHash(by.packHash) : await this.repository.find(by.reportId);
    if (!row || row.status !== 'succeeded') return null;
    return this.reports.storage.manifest(row.id);
  };
}
