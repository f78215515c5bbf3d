import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../common/app-error';
import type { Format } from '../scanner';

export const SCAN_ROUTE = '/api/v1/datasets/:namespace/:name/scans';

/** Content types the scan upload accepts, and the format each implies (octet-stream needs ?format=). */
export const UPLOAD_TYPES: Record<string, Format | null> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'jsonl',
  'application/vnd.apache.parquet': 'parquet',
  'application/octet-stream': null,
};

const STREAMED_TYPES = ['text/csv', 'application/vnd.apache.parquet', 'application/octet-stream'];

/**
 * Lets the scan route read its body as a stream (a file of up to SCAN_UPLOAD_LIMIT_BYTES must not
 * be buffered). These types are passed through on that route only; elsewhere they stay
 * unsupported (415), as before. application/x-ndjson keeps the app-wide string parser that lineage
 * ingest relies on, so a JSON Lines upload with that type arrives as a string bounded by
 * INGEST_BODY_LIMIT_BYTES; large JSON Lines files go as application/octet-stream?format=jsonl.
 */
export function registerScanUploadParsers(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(STREAMED_TYPES, (request: FastifyRequest, payload, done) => {
    if (request.routeOptions.url === SCAN_ROUTE) return done(null, payload);
    const error = new Error(`Unsupported Media Type: ${request.headers['content-type'] ?? ''}`) as Error & { statusCode: number; code: string };
    error.statusCode = 415;
    error.code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
    done(error, undefined);
  });
}

export interface StoredUpload {
  file: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Writes the body to a new file under `dir`, hashing it on the way, and stops with 413 as soon as
 * it passes `limit`. The partial file is removed on any failure.
 */
export async function storeUpload(body: unknown, dir: string, extension: string, limit: number): Promise<StoredUpload> {
  const source = typeof body === 'string' ? Readable.from([Buffer.from(body, 'utf8')]) : body instanceof Readable ? body : null;
  if (!source) throw AppError.badInput('/', 'the request body must be the file to scan');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.${extension}`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) return callback(new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `the file is larger than the upload limit of ${limit} bytes`));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await fs.rm(file, { force: true });
    if (error instanceof AppError) throw error;
    throw AppError.badInput('/', `the upload could not be read: ${(error as Error).message}`);
  }
  if (size === 0) {
    await fs.rm(file, { force: true });
    throw AppError.badInput('/', 'the uploaded file is empty');
  }
  return { file, sha256: hash.digest('hex'), sizeBytes: size };
}
