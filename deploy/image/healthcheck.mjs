#!/usr/bin/env node
/* global fetch, AbortSignal */
// The image's HEALTHCHECK: ready when the service of this container answers /readyz with 200 (the consumer on
// OPS_PORT, the ingestion on INGEST_PORT; HEALTHCHECK_URL names another). Exit 0 healthy, 1 not.
const urls = process.env.HEALTHCHECK_URL
  ? [process.env.HEALTHCHECK_URL]
  : [
      `http://127.0.0.1:${process.env.OPS_PORT || 9464}/readyz`,
      `http://127.0.0.1:${process.env.INGEST_PORT || 8080}/readyz`,
    ];
for (const url of urls) {
  try {
    const reply = await fetch(url, { signal: AbortSignal.timeout(4000) });
    if (reply.status === 200) process.exit(0);
  } catch {
    // not this service, or not ready
  }
}
process.exit(1);
