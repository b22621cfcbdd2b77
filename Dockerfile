# syntax=docker/dockerfile:1
# One image for both apps: `APP=producer` (default) or `APP=worker`, or pass the entry point.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json .swcrc nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
ENV APP=producer
EXPOSE 3000 3001
# Unhealthy while the app does not answer or cannot reach Redis (GET /health/ready on its port).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const port = process.env.APP === 'worker' ? process.env.WORKER_HTTP_PORT || 3001 : process.env.PORT || 3000; fetch('http://127.0.0.1:' + port + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));"]
# exec: node is PID 1's only child, so SIGTERM reaches it and graceful shutdown runs.
CMD ["sh", "-c", "exec node --enable-source-maps dist/apps/${APP}/src/main.js"]
