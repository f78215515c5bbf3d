import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../authz/requires.decorator';
import { CHARTER_CONFIG, type CharterConfig } from '../config/config';
import { CONSOLE_ASSETS, type ConsoleAssets } from './console.tokens';

/** What the console needs before anyone has signed in: where to sign in, and as which client. */
export interface ConsoleConfig {
  issuer: string;
  clientId: string;
  scope: string;
}

/** Paths the single-page fallback never answers, so a typo in an API path stays a 404. */
const RESERVED = /^\/(graphql|graphiql|api|health|metrics)(\/|$)/;

@Controller()
export class ConsoleController {
  constructor(
    @Inject(CHARTER_CONFIG) private readonly config: CharterConfig,
    @Inject(CONSOLE_ASSETS) private readonly assets: ConsoleAssets,
  ) {}

  @Get('api/v1/console/config')
  @Public('the console needs the issuer before anyone is signed in; it holds no secret')
  consoleConfig(): ConsoleConfig {
    if (!this.config.oidc.issuerUrl) throw new NotFoundException('no OpenID issuer is configured');
    return { issuer: this.config.oidc.issuerUrl, clientId: this.config.oidc.clientId, scope: 'openid profile email' };
  }

  /**
   * The console's files, and index.html for every other page path (the console routes in the
   * browser). Public: the files hold no data; every datum comes from the API, which checks access.
   */
  @Get('*')
  @Public('static files of the web console; data comes only from the API, which enforces access')
  serve(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // Fastify has already refused malformed percent-encoding with a 400 (FST_ERR_BAD_URL).
    const urlPath = decodeURIComponent(request.url.split('?')[0] ?? '/');
    if (RESERVED.test(urlPath)) throw new NotFoundException(`no route GET ${urlPath}`);
    if (!this.assets) {
      void reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console has not been built: run "npm run build" (or "npm start", which builds it).\n');
      return;
    }
    let asset = this.assets.get(urlPath);
    let isIndex = false;
    if (!asset) {
      // A missing build file or top-level file (favicon.ico) is a 404; anything else is a console
      // page, dots included (datasets are often named schema.table).
      if (urlPath.startsWith('/assets/') || /^\/[^/]+\.[a-z0-9]+$/i.test(urlPath)) throw new NotFoundException(`no file ${urlPath}`);
      asset = this.assets.get('/index.html');
      isIndex = true;
    }
    if (!asset) throw new NotFoundException(`no file ${urlPath}`);
    isIndex ||= urlPath === '/index.html';
    void reply.header('content-type', asset.contentType);
    void reply.header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('vary', 'accept-encoding');
    if (isIndex) {
      void reply.header('content-security-policy', this.contentSecurityPolicy());
      void reply.header('x-frame-options', 'DENY');
      void reply.header('referrer-policy', 'no-referrer');
    }
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    if (asset.gzip && acceptsGzip) {
      void reply.header('content-encoding', 'gzip');
      void reply.send(asset.gzip);
    } else {
      void reply.send(asset.body);
    }
  }

  /** Scripts only from Charter itself; the page talks to Charter and to the issuer (token endpoint). */
  private contentSecurityPolicy(): string {
    const issuer = this.config.oidc.issuerUrl ? new URL(this.config.oidc.issuerUrl).origin : '';
    return [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ${issuer}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ].join('; ');
  }
}
