// Writes the JSON Schemas of every event type into packages/core/schemas (checked in; a test catches drift).
// Run: npx tsx packages/core/scripts/generate-schemas.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventJsonSchemas } from '../src/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
mkdirSync(out, { recursive: true });
for (const [file, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(join(out, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote schemas/${file}`);
}
