// A stand-in service for service-process.test.ts: answers HTTP on PORT, says goodbye on SIGTERM, or dies at once
// with FAIL_AT_START.
import { createServer } from 'node:http';

if (process.env.FAIL_AT_START) process.exit(3);
const server = createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1');
process.stdout.write('started\n');
process.once('SIGTERM', () => {
  process.stdout.write('stopping\n');
  server.close(() => process.exit(0));
});
