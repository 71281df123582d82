# One image for both services; the command picks which (consumer, or the producer's ingestion endpoint).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NX_NO_CLOUD=true KAFKAJS_NO_PARTITIONER_WARNING=1 OPS_HOST=0.0.0.0
COPY package.json package-lock.json ./
COPY packages ./packages
COPY apps ./apps
COPY tools ./tools
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund && npm cache clean --force
USER node
EXPOSE 8080 9464
# docker run ... zendesk-lifecycle consumer | producer serve | producer sync | producer scan-inactive --days 90
ENTRYPOINT ["node", "scripts/run.mjs"]
CMD ["consumer"]
