import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { sectionKeys, type Pack } from '../pack/pack.types';

/**
 * A pack's integrity is two-layered, because the PDF must carry a hash that cannot cover the PDF:
 *
 * 1. The *contents* list each section's canonical JSON (RFC 8785) and `pack.json` with their
 *    SHA-256. The **pack hash** is the SHA-256 of the contents' canonical JSON: it is printed in
 *    the PDF footer and stored in the PDF metadata (`CharterPackHash`, and in `Keywords`).
 * 2. The **manifest** adds `pack.pdf` (its final bytes) to the parts and is signed with the
 *    server's Ed25519 key. Verifying a file means: the signature holds, the pack hash recomputes
 *    from the contents, and the file's SHA-256 is the one its part records.
 */

export const MANIFEST_FORMAT = 'charter-pack-manifest/1';
export const PACK_JSON = 'pack.json';
export const PACK_PDF = 'pack.pdf';
export const MANIFEST_JSON = 'manifest.json';

export interface ManifestPart {
  /** `pack.json`, `pack.pdf` or `sections/<key>.json` (a section's canonical JSON, not a file on disk). */
  name: string;
  sha256: string;
  bytes: number;
}

export interface PackContents {
  format: typeof MANIFEST_FORMAT;
  reportId: string;
  kind: Pack['kind'];
  generatedAt: string;
  parts: ManifestPart[];
}

export interface UnsignedManifest extends PackContents {
  packHash: string;
}

export interface SignedManifest extends UnsignedManifest {
  signature: { algorithm: 'Ed25519'; keyId: string; value: string };
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function canonical(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalised');
  return text;
}

/** pack.json: the canonical JSON of the whole pack, so its bytes depend on nothing but the data. */
export function serialisePack(pack: Pack): Buffer {
  return Buffer.from(canonical(pack), 'utf8');
}

function part(name: string, data: Buffer): ManifestPart {
  return { name, sha256: sha256(data), bytes: data.length };
}

/** Parts and pack hash of a pack, before its PDF exists. */
export function packContents(pack: Pack, packJson: Buffer): UnsignedManifest {
  const record = pack as unknown as Record<string, unknown>;
  const parts = sectionKeys(pack).map((key) => part(`sections/${key}.json`, Buffer.from(canonical(record[key]), 'utf8')));
  parts.push(part(PACK_JSON, packJson));
  const contents: PackContents = { format: MANIFEST_FORMAT, reportId: pack.cover.reportId, kind: pack.kind, generatedAt: pack.cover.generatedAt, parts };
  return { ...contents, packHash: packHashOf(contents) };
}

export function packHashOf(contents: PackContents): string {
  return sha256(
    canonical({ format: contents.format, reportId: contents.reportId, kind: contents.kind, generatedAt: contents.generatedAt, parts: contents.parts }),
  );
}

/** Adds the PDF and signs. The signature covers the canonical JSON of everything but itself. */
export function signManifest(contents: UnsignedManifest, pdf: Buffer, key: { privateKey: KeyObject; keyId: string }): SignedManifest {
  const unsigned: UnsignedManifest = { ...contents, parts: [...contents.parts, part(PACK_PDF, pdf)] };
  const value = sign(null, Buffer.from(canonical(unsigned), 'utf8'), key.privateKey).toString('base64');
  return { ...unsigned, signature: { algorithm: 'Ed25519', keyId: key.keyId, value } };
}

export function serialiseManifest(manifest: SignedManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** Why a manifest cannot be trusted, or null if its signature and pack hash hold. */
export function manifestProblem(manifest: SignedManifest, publicKey: KeyObject): string | null {
  if (manifest.format !== MANIFEST_FORMAT) return `unknown manifest format ${JSON.stringify(manifest.format)}`;
  const { signature, ...unsigned } = manifest;
  if (signature?.algorithm !== 'Ed25519' || typeof signature.value !== 'string') return 'the manifest is not signed';
  const ok = verify(null, Buffer.from(canonical(unsigned), 'utf8'), publicKey, Buffer.from(signature.value, 'base64'));
  if (!ok) return "the manifest's signature does not verify with this Charter's report key: it was altered or signed elsewhere";
  const contents: PackContents = { ...unsigned, parts: unsigned.parts.filter((p) => p.name !== PACK_PDF) };
  if (packHashOf(contents) !== manifest.packHash) return 'the manifest is inconsistent: its pack hash does not match its parts';
  return null;
}
