// Writes docs/asyncapi.json from the schemas (a test fails when it drifts).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asyncApiDocument } from '../src/asyncapi.js';

writeFileSync(
  fileURLToPath(new URL('../../../docs/asyncapi.json', import.meta.url)),
  `${JSON.stringify(asyncApiDocument(), null, 2)}\n`,
);
