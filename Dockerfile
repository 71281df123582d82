# One image for every program; the command picks which: consumer | ingestion | sync | scan (deploy/image/entrypoint.mjs).
#   docker build -t zendesk-lifecycle .
#   docker run --env-file .env zendesk-lifecycle consumer
# The build stage compiles the TypeScript and packs the apps with the libraries they run on; the runtime stage
# installs those tarballs with production dependencies only (deploy/image/assemble.mjs, the same script the
# production-start test in tools/release runs without Docker) and runs compiled JavaScript with plain node.

FROM node:24-bookworm-slim AS build
WORKDIR /src
ENV NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false
COPY package.json package-lock.json nx.json tsconfig.base.json tsconfig.json ./
COPY packages ./packages
COPY apps ./apps
COPY tools ./tools
RUN npm ci --no-audit --no-fund --ignore-scripts
RUN npx nx run-many -t build -p core,zendesk-client,itsm-logger,zendesk-sandbox,service-runtime,consumer,producer
RUN mkdir /packs && npm pack --pack-destination /packs \
      -w packages/core -w packages/zendesk-client -w packages/itsm-logger -w packages/service-runtime \
      -w apps/consumer -w apps/producer

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production KAFKAJS_NO_PARTITIONER_WARNING=1 OPS_HOST=0.0.0.0 INGEST_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /packs /tmp/packs
COPY deploy/image/ /tmp/image/
RUN node /tmp/image/assemble.mjs /tmp/packs /app && rm -rf /tmp/packs /tmp/image && npm cache clean --force \
    && chown -R root:root /app
USER node
# consumer: ops endpoint (/healthz, /readyz, /metrics); ingestion: POST /events, /healthz, /readyz
EXPOSE 9464 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/entrypoint.mjs"]
CMD ["consumer"]
