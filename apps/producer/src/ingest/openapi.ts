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
  /** RFC 9457 problem details, as every error is answered. */
  const problem = {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'correlation_id'],
    properties: {
      type: { type: 'string', description: 'urn:zendesk-lifecycle:problem:<code>' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      correlation_id: { type: 'string', description: 'also in the X-Correlation-Id header' },
      events: {
        type: 'array',
        description: 'the refused events of the request (400, 403, 422)',
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
  const correlation = {
    'X-Correlation-Id': {
      description: "the request's X-Correlation-Id when it is a short token, a new UUID otherwise",
      schema: { type: 'string' },
    },
  };
  const refused = (description: string, headers: Record<string, unknown> = {}) => ({
    description,
    headers: { ...correlation, ...headers },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
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
                schema: { type: 'array', minItems: 1, maxItems: 100, items: { oneOf: eventRefs } },
              },
              'application/json': {
                schema: { description: 'binary mode: data only, attributes in ce-* headers' },
              },
            },
          },
          parameters: [
            {
              name: 'X-Correlation-Id',
              in: 'header',
              required: false,
              schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
            },
          ],
          responses: {
            '202': {
              description: 'Every event was acknowledged by Kafka',
              headers: correlation,
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { accepted: { type: 'array' } } },
                },
              },
            },
            '400': refused(
              'Invalid events, a batch of 0 or more than 100 events, or malformed HTTP (nothing was published)',
            ),
            '401': refused(
              'Missing or wrong token or signature, stale or replayed signature (answered before the body is read)',
            ),
            '403': refused("An event outside the principal's rights"),
            '405': refused('Not POST', { Allow: { schema: { type: 'string' } } }),
            '408': refused('Headers or body not received in time; the connection is closed'),
            '413': refused('Body over the limit; the connection is closed'),
            '415': refused(
              'Not application/cloudevents+json, application/cloudevents-batch+json or application/json (UTF-8, unencoded)',
            ),
            '422': refused('An event older than the policy limit (max_event_age_days)'),
            '431': refused('Request headers too large'),
            '503': refused('Kafka did not acknowledge; try again', {
              'Retry-After': { schema: { type: 'integer' } },
            }),
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'alive' } } } },
      '/readyz': {
        get: { summary: 'Readiness (connected to Kafka)', responses: { '200': { description: 'ready' } } },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: "a principal's token (or INGEST_TOKEN)" },
        hmac: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256>) over the method, path, content type, ce-* headers and body: see the README',
        },
      },
      schemas: { ...schemas, Problem: problem },
    },
  };
}
