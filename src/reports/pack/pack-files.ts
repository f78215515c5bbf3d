import { packContents, serialiseManifest, serialisePack, signManifest, type SignedManifest } from '../integrity/manifest';
import type { ReportSigningKey } from '../integrity/signing-key';
import { renderPackPdf } from '../render/render-pack';
import type { Pack } from './pack.types';

export interface PackFiles {
  packHash: string;
  packJson: Buffer;
  pdf: Buffer;
  manifest: SignedManifest;
  manifestJson: Buffer;
}

/** pack.json, its contents hash, the PDF stamped with that hash, then the signed manifest over all of them. */
export async function buildPackFiles(pack: Pack, key: Pick<ReportSigningKey, 'privateKey' | 'keyId'>): Promise<PackFiles> {
  const packJson = serialisePack(pack);
  const contents = packContents(pack, packJson);
  const pdf = await renderPackPdf(pack, contents.packHash);
  const manifest = signManifest(contents, pdf, key);
  return { packHash: contents.packHash, packJson, pdf, manifest, manifestJson: serialiseManifest(manifest) };
}
