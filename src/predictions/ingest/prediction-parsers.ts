import { Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BATCH_TYPE, STRUCTURED_TYPE } from './cloudevents';

export const PREDICTIONS_ROUTE = '/api/v1/predictions';
/** For loggers that cannot set an Authorization header: the API key travels in the path. */
export const PREDICTIONS_KEY_ROUTE = '/api/v1/predictions/key/:key';

// The body bytes of binary-mode JSON events, seen as they stream into Fastify's JSON parser.
const rawBodies = new WeakMap<FastifyRequest, Buffer[]>();

/**
 * The text of a binary-mode JSON body as sent (Fastify's parser gives only the parsed value, and
 * the payload is stored as the logger wrote it). A leading byte order mark is dropped, as the
 * parser does.
 */
export function rawJsonBody(request: FastifyRequest): string | null {
  const chunks = rawBodies.get(request);
  if (!chunks) return null;
  const text = Buffer.concat(chunks).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * CloudEvents structured and batch bodies arrive as text: the controller parses them so an error
 * names the event at fault. A key in the path becomes the request's bearer credential before the
 * access guard runs; access logs name the route pattern, never the URL, so it is not logged.
 */
export function registerPredictionParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser([STRUCTURED_TYPE, BATCH_TYPE], { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.url === PREDICTIONS_KEY_ROUTE) {
      const key = (request.params as { key?: string }).key ?? '';
      request.headers.authorization = `Bearer ${key}`;
    }
    done();
  });
  // Binary mode with a JSON body: keep a copy of the bytes on their way to the JSON parser (which
  // still enforces the body limit).
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const route = request.routeOptions.url;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if ((route !== PREDICTIONS_ROUTE && route !== PREDICTIONS_KEY_ROUTE) || mediaType !== 'application/json') {
      done(null, payload);
      return;
    }
    const chunks: Buffer[] = [];
    rawBodies.set(request, chunks);
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback(null, chunk);
      },
    });
    payload.on('error', (error) => tap.destroy(error));
    done(null, payload.pipe(tap));
  });
}
