import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { sha256 } from './manifest';

export interface ReportSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER): names the key in manifests. */
  keyId: string;
}

/** Where the key lives: a file under CHARTER_DATA_DIR (replicas must share it; see docs/reports.md). */
export function signingKeyPath(dataDir: string): string {
  return path.join(dataDir, 'keys', 'report-signing-ed25519.pem');
}

function fromPrivate(privateKey: KeyObject): ReportSigningKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: sha256(publicKey.export({ type: 'spki', format: 'der' })).slice(0, 16) };
}

/** Loads the key, creating it (mode 0600) on first use. `wx` makes two processes racing agree on one key. */
export async function loadOrCreateSigningKey(dataDir: string): Promise<ReportSigningKey> {
  const file = signingKeyPath(dataDir);
  try {
    return fromPrivate(createPrivateKey(await fs.readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    await fs.writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return fromPrivate(privateKey);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fromPrivate(createPrivateKey(await fs.readFile(file, 'utf8')));
  }
}

/** The verifying half only, from the private key file or a public key PEM (auditors get the latter). */
export async function loadPublicKey(file: string): Promise<KeyObject> {
  const pem = await fs.readFile(file, 'utf8');
  return pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
}
