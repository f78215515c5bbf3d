import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where `npm run build` puts the console (vite build of console/). */
export const CONSOLE_DIST_DIR = path.resolve(__dirname, '..', '..', '..', 'console', 'dist');

export interface ConsoleAsset {
  body: Buffer;
  /** Present when compressing saves something. */
  gzip?: Buffer;
  contentType: string;
  /** Vite fingerprints everything under assets/, so it may be cached for good. */
  immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Loads the whole built console into memory once, compressed where it helps: it is a few hundred
 * kilobytes, and serving from memory keeps the first load fast without a static-file dependency.
 * Returns undefined when the console has not been built.
 */
export async function loadConsoleAssets(dir: string = CONSOLE_DIST_DIR): Promise<Map<string, ConsoleAsset> | undefined> {
  try {
    await fs.access(path.join(dir, 'index.html'));
  } catch {
    return undefined;
  }
  const assets = new Map<string, ConsoleAsset>();
  for (const entry of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const urlPath = `/${path.relative(dir, file).split(path.sep).join('/')}`;
    const body = await fs.readFile(file);
    const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(contentType);
    const gzip = compressible ? gzipSync(body, { level: 9 }) : undefined;
    assets.set(urlPath, { body, gzip: gzip && gzip.length < body.length ? gzip : undefined, contentType, immutable: urlPath.startsWith('/assets/') });
  }
  return assets;
}
