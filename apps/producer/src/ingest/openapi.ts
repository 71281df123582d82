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
      '/okta/events': {
        description:
          "Okta Event Hooks (when the policy has an `okta` section): the secret configured in Okta in the policy's header (default Authorization).",
        get: {
          summary: "Okta's one-time verification: the challenge echoed",
          parameters: [
            {
              name: 'X-Okta-Verification-Challenge',
              in: 'header',
              required: true,
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description: 'The challenge, echoed',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { verification: { type: 'string' } } },
                },
              },
            },
            '400': refused('No challenge header'),
            '401': refused('Missing or wrong secret'),
          },
        },
        post: {
          summary: 'A batch of Okta System Log events (data.events[]), each mapped to one lifecycle event',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['data'],
                  properties: { data: { type: 'object', properties: { events: { type: 'array' } } } },
                },
              },
            },
          },
          responses: {
            '200': {
              description:
                'Every mapped event was acknowledged by Kafka (events the mapping ignores are counted, not refused)',
            },
            '400': refused('Not an Okta event batch'),
            '401': refused('Missing or wrong secret'),
            '503': refused('Kafka did not acknowledge; Okta tries again', {
              'Retry-After': { schema: { type: 'integer' } },
            }),
          },
        },
      },
      '/zendesk/webhook': {
        description:
          "Zendesk's signed user-event webhooks (when ZENDESK_WEBHOOK_SECRET is set): X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(timestamp + body)) with the webhook's signing secret.",
        post: {
          summary: 'One Zendesk user event (zen:event-type:user.*), kept unchanged on zendesk.user-events',
          parameters: [
            { name: 'X-Zendesk-Webhook-Signature', in: 'header', required: true, schema: { type: 'string' } },
            {
              name: 'X-Zendesk-Webhook-Signature-Timestamp',
              in: 'header',
              required: true,
              schema: { type: 'string' },
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: {
            '200': { description: 'Acknowledged by Kafka, or a repeat of an event already published' },
            '400': refused('Not a Zendesk user event'),
            '401': refused('Bad signature, a timestamp outside the window, or a replay'),
            '503': refused('Kafka did not acknowledge; Zendesk tries again', {
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
