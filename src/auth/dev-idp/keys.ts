/**
 * Signing keys of Charter's built-in development identity provider: a private
 * JWKS (RS256 and ES256 keys) kept in a JSON file so that issued tokens stay
 * valid across restarts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'oidc-provider';

import { isErrnoException, isRecord } from './guards';

interface KeysFileContent {
  keys: JWK[];
}

async function generateSigningKeys(): Promise<JWK[]> {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const keys: JWK[] = [];
  for (const [jwk, alg] of [
    [rsa, 'RS256'],
    [ec, 'ES256'],
  ] as const) {
    // The thumbprint only reads the required public members.
    const kid = await calculateJwkThumbprint(jwk);
    keys.push({ ...(jwk as JWK), kid, alg, use: 'sig' });
  }
  return keys;
}

function validateKeysFile(file: string, parsed: unknown): JWK[] {
  if (!isRecord(parsed) || !Array.isArray(parsed.keys)) {
    throw new Error(`${file}: expected a JSON object with a "keys" array (a private JWKS)`);
  }
  const keys: JWK[] = [];
  for (const key of parsed.keys as unknown[]) {
    if (!isRecord(key) || typeof key.kty !== 'string' || typeof key.d !== 'string') {
      throw new Error(`${file}: every key must be a private JWK (with "kty" and "d")`);
    }
    keys.push(key);
  }
  if (!keys.some((k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'RS256'))) {
    throw new Error(`${file}: no RSA key usable for RS256; delete the file to have a new one generated`);
  }
  return keys;
}

/** Reads the private JWKS from `file`, creating it with fresh keys when missing. */
export async function loadOrCreateKeys(file: string): Promise<JWK[]> {
  try {
    const text = await fs.readFile(file, 'utf8');
    const keys = validateKeysFile(file, JSON.parse(text) as unknown);
    // Private keys: keep the file owner-only even if it was copied around.
    await fs.chmod(file, 0o600).catch(() => undefined);
    return keys;
  } catch (err) {
    if (!(isErrnoException(err) && err.code === 'ENOENT')) throw err;
  }

  const keys = await generateSigningKeys();
  const content: KeysFileContent = { keys };
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    // 'wx': never overwrite keys another process may have just written.
    await fs.writeFile(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if (isErrnoException(err) && err.code === 'EEXIST') return loadOrCreateKeys(file);
    throw err;
  }
  return keys;
}
