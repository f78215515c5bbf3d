import type { KeyObject } from 'node:crypto';
import { isUuid } from '../../common/app-error';
import { MANIFEST_JSON, PACK_JSON, PACK_PDF, manifestProblem, sha256, type SignedManifest } from './manifest';

export type VerifiedFileKind = 'pdf' | 'json' | 'manifest' | 'unknown';

export interface ReportVerification {
  valid: boolean;
  /** One sentence: why the file is or is not a pack Charter produced, unchanged. */
  reason: string;
  fileKind: VerifiedFileKind;
  /** Which part of the manifest the file was checked against (`pack.pdf`...), when one was found. */
  part: string | null;
  reportId: string | null;
  packHash: string | null;
  sha256: string;
}

/** Finds the signed manifest of a pack, by the pack hash a PDF carries or the report id a pack.json names. */
export type ManifestLookup = (by: { packHash: string } | { reportId: string }) => Promise<SignedManifest | null>;

// pdfkit writes the info dictionary uncompressed, each value as an indirect string object
// (`/CharterPackHash 95 0 R` ... `95 0 obj (hex) endobj`); a byte-level match finds it without a PDF
// parser, so a damaged file still gets an answer.
const PDF_PACK_HASH_REF = /\/CharterPackHash (?:\(([0-9a-f]{64})\)|(\d+) 0 R)/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The pack hash recorded in a PDF's metadata, if it has one. */
export function pdfPackHash(pdf: Buffer): string | null {
  const text = pdf.toString('latin1');
  const match = PDF_PACK_HASH_REF.exec(text);
  if (!match) return null;
  if (match[1]) return match[1];
  const object = new RegExp(`(?:^|\\s)${match[2]} 0 obj\\s*\\(([0-9a-f]{64})\\)\\s*endobj`).exec(text);
  return object?.[1] ?? null;
}

/**
 * Says whether `file` (a pack.pdf, pack.json or manifest.json) is a pack this Charter produced and
 * unchanged: the manifest is found, its Ed25519 signature and pack hash hold, and the file's SHA-256
 * is the one its part records. Any changed byte changes the SHA-256.
 */
export async function verifyPackFile(file: Buffer, lookup: ManifestLookup, publicKey: KeyObject): Promise<ReportVerification> {
  const digest = sha256(file);
  const base = { sha256: digest, part: null, reportId: null, packHash: null };
  if (file.subarray(0, 5).toString('latin1') === '%PDF-') {
    const packHash = pdfPackHash(file);
    if (!packHash)
      return {
        ...base,
        fileKind: 'pdf',
        valid: false,
        reason: 'not a Charter pack: the PDF carries no Charter pack hash in its metadata, so Charter did not produce it',
      };
    return checkAgainst(
      await lookup({ packHash }),
      PACK_PDF,
      { ...base, fileKind: 'pdf', packHash },
      publicKey,
      `no pack with hash ${packHash} is known to this Charter`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(file.toString('utf8'));
  } catch {
    return { ...base, fileKind: 'unknown', valid: false, reason: 'not a Charter pack: the file is neither a PDF nor JSON' };
  }
  if (isManifest(json)) {
    const problem = manifestProblem(json, publicKey);
    const known = { ...base, fileKind: 'manifest' as const, part: MANIFEST_JSON, reportId: json.reportId, packHash: json.packHash };
    if (problem) return { ...known, valid: false, reason: problem };
    return { ...known, valid: true, reason: `a manifest signed by this Charter for report ${json.reportId}` };
  }
  const reportId = packReportId(json);
  if (!reportId) return { ...base, fileKind: 'unknown', valid: false, reason: 'not a Charter pack: the JSON is neither a pack.json nor a manifest.json' };
  return checkAgainst(
    await lookup({ reportId }),
    PACK_JSON,
    { ...base, fileKind: 'json', reportId },
    publicKey,
    `no pack for report ${reportId} is known to this Charter`,
  );
}

function checkAgainst(
  manifest: SignedManifest | null,
  partName: string,
  result: Omit<ReportVerification, 'valid' | 'reason'>,
  publicKey: KeyObject,
  notFound: string,
): ReportVerification {
  if (!manifest) return { ...result, valid: false, reason: notFound };
  const known = { ...result, part: partName, reportId: manifest.reportId, packHash: manifest.packHash };
  const problem = manifestProblem(manifest, publicKey);
  if (problem) return { ...known, valid: false, reason: problem };
  const expected = manifest.parts.find((p) => p.name === partName);
  if (!expected) return { ...known, valid: false, reason: `the manifest of report ${manifest.reportId} lists no ${partName}` };
  if (expected.sha256 !== result.sha256)
    return {
      ...known,
      valid: false,
      reason: `the file was changed: its SHA-256 is ${result.sha256}, the signed manifest records ${expected.sha256} for ${partName}`,
    };
  return {
    ...known,
    valid: true,
    reason: `${partName} of report ${manifest.reportId}, unchanged since Charter produced it (signed manifest, key ${manifest.signature.keyId})`,
  };
}

function isManifest(value: unknown): value is SignedManifest {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.packHash === 'string' && HEX64.test(v.packHash) && Array.isArray(v.parts) && typeof v.reportId === 'string' && typeof v.signature === 'object'
  );
}

function packReportId(value: unknown): string | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as { format?: unknown; cover?: { reportId?: unknown } };
  if (typeof v.format !== 'string' || !v.format.startsWith('charter-')) return null;
  const id = v.cover?.reportId;
  return typeof id === 'string' && isUuid(id) ? id : null;
}
