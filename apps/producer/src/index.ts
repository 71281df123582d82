// Public entry of @zendesk-lifecycle/producer: publishing API, HTTP ingestion, account sync, inactivity scan.
export { createPublisher, publishLifecycleEvent, type Publisher } from './publisher.js';
export { startIngestServer, type IngestOptions, type IngestServer } from './ingest/server.js';
export { signRequest, signedContent } from './ingest/auth.js';
export { openApiDocument } from './ingest/openapi.js';
export {
  syncAccounts,
  collectAccounts,
  summarize,
  type AccountSnapshot,
  type SyncSummary,
} from './sync/sync.js';
export { findInactive } from './scan/inactivity.js';
export { formatReport } from './output/report.js';
