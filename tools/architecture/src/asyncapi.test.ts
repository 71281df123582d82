import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { TOPIC_DEFAULTS } from '@zendesk-lifecycle/service-runtime';
import { asyncApiDocument } from './asyncapi.js';

const require = createRequire(import.meta.url);
const docPath = fileURLToPath(new URL('../../../docs/asyncapi.json', import.meta.url));

describe('docs/asyncapi.json', () => {
  it('is what the schemas generate (regenerate: npx tsx tools/architecture/scripts/write-asyncapi.ts)', () => {
    expect(JSON.parse(readFileSync(docPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });

  it('is a valid AsyncAPI 3.0 document', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const schema = require('@asyncapi/specs/schemas/3.0.0-without-$id.json');
    const valid = ajv.validate(schema, asyncApiDocument());
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('names every topic of the product', () => {
    const channels = asyncApiDocument().channels as Record<string, { address: string }>;
    expect(
      Object.values(channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(Object.values(TOPIC_DEFAULTS).sort());
  });
});
