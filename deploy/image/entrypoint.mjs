#!/usr/bin/env node
// The production image's entry point: one image, the first argument picks the program. Plain node, compiled
// JavaScript, production dependencies only (see deploy/image/assemble.mjs and the Dockerfile).
//   consumer [replay-dlq | scheduled ... | brake ...]   the Kafka consumer service (ops: OPS_PORT, /readyz)
//   ingestion                                          HTTP ingestion (producer serve; INGEST_PORT, /readyz)
//   sync [--format table|json|csv]                     account sync (producer sync), then exits
//   scan [--days N] [--dry-run]                        the inactivity scan (producer scan-inactive), then exits
//   producer <command> ...                             any other producer command (publish, ...)
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const app = (name, file) => join(here, 'node_modules', '@zendesk-lifecycle', name, 'dist', file);
const programs = {
  consumer: [app('consumer', 'main.js')],
  ingestion: [app('producer', 'cli.js'), 'serve'],
  sync: [app('producer', 'cli.js'), 'sync'],
  scan: [app('producer', 'cli.js'), 'scan-inactive'],
  producer: [app('producer', 'cli.js')],
};

const [command = 'consumer', ...args] = process.argv.slice(2);
const program = programs[command];
if (!program) {
  process.stderr.write(`unknown command "${command}"; one of: ${Object.keys(programs).join(', ')}\n`);
  process.exit(2);
}
const [file, ...fixed] = program;
// The program runs in this process (no child between the container runtime's SIGTERM and its handlers) and
// reads its arguments as if started directly: node <file> <args>.
process.argv = [process.argv[0], file, ...fixed, ...args];
await import(pathToFileURL(file).href);
