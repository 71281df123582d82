// The OpenAPI 3.1 description of the ingestion endpoint, with the events' JSON Schemas from core.
import { EVENT_TYPES, eventJsonSchemas } from '@zendesk-lifecycle/core';

export function openApiDocument(): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const [file, schema] of Object.entries(eventJsonSchemas())) {
    schemas[file.replace('.schema.json', '').replace(/[^A-Za-z0-9_]/g, '_')] = schema;
  }
  const eventRefs = EVENT_TYPES.map((t) => ({
    $ref: `#/components/schemas/${t.replace(/[^A-Za-z0-9_]/g, '_')}`,
  }));
  const problem = {
    type: 'object',
    properties: {
      error: { type: 'string' },
      events: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            id: { type: 'string' },
            code: { type: 'string' },
            reason: { type: 'string' },
            issues: {
              type: 'array',
              items: {
                type: 'object',
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'zendesk-lifecycle ingestion',
      version: '1.0.0',
      description: 'Publish lifecycle events (CloudEvents over HTTP) to Kafka.',
    },
    paths: {
      '/events': {
        post: {
          summary: 'Publish one event (structured or binary mode) or a batch',
          security: [{ bearer: [] }, { hmac: [] }],
          requestBody: {
            required: true,
            content: {
              'application/cloudevents+json': { schema: { oneOf: eventRefs } },
              'application/cloudevents-batch+json': {
                schema: { type: 'array', items: { oneOf: eventRefs } },
              },
              'application/json': {
                schema: { description: 'binary mode: data only, attributes in ce-* headers' },
              },
            },
          },
          responses: {
            '202': {
              description: 'Every event was acknowledged by Kafka',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { accepted: { type: 'array' } } },
                },
              },
            },
            '400': {
              description: 'Invalid events (nothing was published)',
              content: { 'application/json': { schema: problem } },
            },
            '401': { description: 'Missing or wrong token or signature' },
            '413': { description: 'Body larger than the limit' },
            '415': { description: 'Not a JSON content type' },
            '503': { description: 'Kafka did not acknowledge; try again' },
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'INGEST_TOKEN' },
        hmac: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description: 'sha256=<hex HMAC-SHA256 of the raw body with INGEST_HMAC_SECRET>',
        },
      },
      schemas,
    },
  };
}
