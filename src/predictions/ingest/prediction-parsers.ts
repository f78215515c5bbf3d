import type { FastifyInstance } from 'fastify';
import { BATCH_TYPE, STRUCTURED_TYPE } from './cloudevents';

export const PREDICTIONS_ROUTE = '/api/v1/predictions';
/** For loggers that cannot set an Authorization header: the API key travels in the path. */
export const PREDICTIONS_KEY_ROUTE = '/api/v1/predictions/key/:key';

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
}
