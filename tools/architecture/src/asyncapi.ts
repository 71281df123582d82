// The AsyncAPI 3.0 description of the topics and their messages, built from core's schemas so it cannot drift.
import {
  CONFIRMATION_EVENT_TYPE,
  DRIFT_EVENT_TYPE,
  EVENT_TYPES,
  RESULT_EVENT_TYPE,
  eventJsonSchemas,
} from '@zendesk-lifecycle/core';
import { TOPIC_DEFAULTS } from '@zendesk-lifecycle/service-runtime';

const messageName = (type: string) =>
  type
    .replace(/^lifecycle\./, '')
    .replace(/\.v\d+$/, '')
    .replace(/[^A-Za-z0-9]/g, '_');

export function asyncApiDocument(): Record<string, unknown> {
  const schemas = eventJsonSchemas();
  const messages: Record<string, unknown> = {};
  for (const type of [...EVENT_TYPES, RESULT_EVENT_TYPE, CONFIRMATION_EVENT_TYPE, DRIFT_EVENT_TYPE]) {
    const { $schema: _s, $id: _i, ...payload } = schemas[`${type}.schema.json`] as Record<string, unknown>;
    messages[messageName(type)] = {
      name: type,
      title: type,
      contentType: 'application/cloudevents+json',
      payload,
      bindings: {
        kafka: {
          key: { type: 'string', description: 'the user: id:<n>, external_id:<x> or email:<lower-cased>' },
        },
      },
    };
  }
  const ref = (name: string) => ({ $ref: `#/components/messages/${name}` });
  const lifecycle = Object.fromEntries(EVENT_TYPES.map((t) => [messageName(t), ref(messageName(t))]));
  const raw = {
    name: 'raw',
    contentType: 'application/octet-stream',
    payload: { description: 'the original record value, unchanged' },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'zendesk-lifecycle',
      version: '1.0.0',
      description:
        'Lifecycle events in, Zendesk actions and audit tickets out. Topic names are the defaults; TOPIC_* variables rename them.',
    },
    defaultContentType: 'application/cloudevents+json',
    channels: {
      events: {
        address: TOPIC_DEFAULTS.events,
        description:
          'Lifecycle events from HR systems and identity providers (structured or binary CloudEvents).',
        messages: lifecycle,
      },
      results: {
        address: TOPIC_DEFAULTS.results,
        description:
          'One result per event, written in the same transaction as the consumer offset; and the closed loop records (apps/consumer/src/confirm): a step confirmed or raised against what Zendesk reports, access given back outside the lifecycle (drift).',
        messages: {
          result: ref('result'),
          confirmation: ref(messageName(CONFIRMATION_EVENT_TYPE)),
          drift: ref(messageName(DRIFT_EVENT_TYPE)),
        },
      },
      retry: {
        address: TOPIC_DEFAULTS.retry,
        description:
          'Events waiting for another try; headers retry-attempts, retry-due, retry-reason, retry-error and their origin.',
        messages: lifecycle,
      },
      dlq: {
        address: TOPIC_DEFAULTS.dlq,
        description:
          'Dead letters: the original value and headers plus dlq-reason, dlq-error, dlq-source-topic, dlq-source-partition, dlq-source-offset, dlq-attempts, dlq-time.',
        messages: { raw: ref('raw') },
      },
      accounts: {
        address: TOPIC_DEFAULTS.accounts,
        description: 'Compacted account snapshots from sync, keyed id:<user id>.',
        messages: { snapshot: ref('snapshot') },
      },
      scheduled: {
        address: TOPIC_DEFAULTS.scheduled,
        description:
          'Compacted steps waiting for their time (apps/consumer/src/scheduling): entries keyed purge:<deprovision step key> or effective:<event digest>, a re-hire cancel marker keyed cancel:<user key>; a tombstone (null value) once an entry fired or was cancelled. One user, one partition (a hash of the user key).',
        messages: { entry: ref('scheduledEntry'), cancelMarker: ref('cancelMarker') },
      },
      brake: {
        address: TOPIC_DEFAULTS.brake,
        description:
          'The fleet brake: compacted, one partition, read from the start by every consumer instance. tick:<uuid> per counted action (a null value removes it), state: the latest trip, release:<uuid>: one per release.',
        messages: { brakeTick: ref('brakeTick'), brakeState: ref('brakeState') },
      },
      userEvents: {
        address: TOPIC_DEFAULTS.userEvents,
        description:
          "Zendesk's own user events (event webhooks, zen:event-type:user.*), verified and published by the ingestion service's POST /zendesk/webhook: the body Zendesk posted, unchanged; key: the Zendesk user id (decimal); header zendesk-event-id: Zendesk's event id. Retained by time (30 days).",
        messages: { zendeskUserEvent: ref('zendeskUserEvent') },
      },
    },
    operations: {
      publishEvents: {
        action: 'send',
        channel: { $ref: '#/channels/events' },
        summary: 'Upstream systems publish lifecycle events.',
      },
      consumeEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/events' },
        summary: 'The consumer acts on them.',
      },
      publishResults: {
        action: 'send',
        channel: { $ref: '#/channels/results' },
        summary: 'The consumer reports each event.',
      },
      deadLetter: {
        action: 'send',
        channel: { $ref: '#/channels/dlq' },
        summary: 'Events that cannot be processed.',
      },
      retryLater: {
        action: 'send',
        channel: { $ref: '#/channels/retry' },
        summary: 'Events handed off after transient failures.',
      },
      scheduleSteps: {
        action: 'send',
        channel: { $ref: '#/channels/scheduled' },
        summary:
          'The consumer writes an entry with the result that defers it (effective_at ahead, a soft delete to purge later), and a cancel marker with a re-hire; its scheduler writes tombstones.',
      },
      fireScheduled: {
        action: 'receive',
        channel: { $ref: '#/channels/scheduled' },
        summary:
          'The scheduler reads every entry and hands the due or cancelled ones to the retry topic (scheduled-* headers).',
      },
      publishAccounts: {
        action: 'send',
        channel: { $ref: '#/channels/accounts' },
        summary: 'sync publishes account snapshots.',
      },
      publishUserEvents: {
        action: 'send',
        channel: { $ref: '#/channels/userEvents' },
        summary:
          "The ingestion service publishes each verified Zendesk user event once (deduplicated by Zendesk's event id).",
      },
      brake: {
        action: 'send',
        channel: { $ref: '#/channels/brake' },
        summary: 'Consumers count their actions, record a trip; an operator releases it (brake release).',
      },
    },
    components: {
      messages: {
        ...messages,
        raw,
        scheduledEntry: {
          name: 'scheduled_entry',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['kind', 'due_at', 'created_at', 'user', 'event', 'reason'],
            properties: {
              kind: { enum: ['effective', 'purge'] },
              due_at: { type: 'string', format: 'date-time' },
              created_at: { type: 'string', format: 'date-time' },
              user: {
                type: 'object',
                properties: {
                  key: { type: 'string' },
                  ref: { type: 'object' },
                  zendesk_id: { type: ['integer', 'null'] },
                },
              },
              event: {
                type: 'object',
                description: 'the original record: its key, value (the CloudEvent) and headers',
                properties: {
                  id: { type: 'string' },
                  source: { type: 'string' },
                  type: { type: 'string' },
                  key: { type: ['string', 'null'] },
                  value: { type: 'string' },
                  headers: { type: 'object', additionalProperties: { type: 'string' } },
                },
              },
              reason: { type: 'string' },
            },
          },
        },
        cancelMarker: {
          name: 'cancel_marker',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['by_event_id', 'at', 'reason'],
            properties: {
              by_event_id: { type: 'string' },
              at: { type: 'string', format: 'date-time' },
              reason: { type: 'string' },
            },
          },
        },
        brakeTick: {
          name: 'brake_tick',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['instance', 'action', 'weight', 'event_id', 'at'],
            properties: {
              instance: { type: 'string' },
              action: { type: 'string' },
              weight: { type: 'integer', minimum: 0 },
              event_id: { type: 'string' },
              at: { type: 'string', format: 'date-time' },
            },
          },
          bindings: { kafka: { key: { type: 'string', description: 'tick:<uuid>' } } },
        },
        brakeState: {
          name: 'brake_state',
          contentType: 'application/json',
          payload: {
            oneOf: [
              {
                type: 'object',
                required: ['tripped', 'at', 'by_instance', 'tick', 'window_weight'],
                properties: {
                  tripped: { const: true },
                  at: { type: 'string' },
                  by_instance: { type: 'string' },
                  tick: { type: 'string' },
                  window_weight: { type: 'number' },
                },
              },
              {
                type: 'object',
                required: ['tripped', 'released_at', 'released_by', 'reason'],
                properties: {
                  tripped: { const: false },
                  released_at: { type: 'string' },
                  released_by: { type: 'string' },
                  reason: { type: 'string' },
                },
              },
            ],
          },
          bindings: { kafka: { key: { type: 'string', description: 'state (a trip) or release:<uuid>' } } },
        },
        zendeskUserEvent: {
          name: 'zendesk_user_event',
          contentType: 'application/json',
          payload: {
            type: 'object',
            description: "Zendesk's webhook event envelope (zen:event-type:user.*), unchanged",
            required: ['type', 'id', 'account_id', 'time', 'subject', 'detail'],
            properties: {
              type: { type: 'string', pattern: '^zen:event-type:user\\.' },
              id: { type: 'string' },
              account_id: { type: 'integer' },
              time: { type: 'string', format: 'date-time' },
              zendesk_event_version: { type: 'string' },
              subject: { type: 'string', pattern: '^zen:user:[0-9]+$' },
              detail: {
                type: 'object',
                required: ['id'],
                properties: { id: { type: 'string' }, role: { type: 'string' } },
              },
              event: { type: 'object' },
            },
          },
          bindings: { kafka: { key: { type: 'string', description: 'the Zendesk user id' } } },
        },
        snapshot: {
          name: 'account_snapshot',
          contentType: 'application/json',
          payload: {
            type: 'object',
            required: ['user_id', 'status', 'synced_at'],
            properties: {
              user_id: { type: 'integer' },
              email: { type: ['string', 'null'] },
              name: { type: 'string' },
              role: { type: 'string' },
              status: { enum: ['active', 'suspended', 'deprovisioned'] },
              seat: { enum: ['paid', 'light_agent', 'free', null] },
              paid_seat: { enum: ['yes', 'no', 'unknown'] },
              products: { type: 'object', additionalProperties: { type: 'string' } },
              last_login_at: { type: ['string', 'null'] },
              synced_at: { type: 'string' },
            },
          },
        },
      },
    },
  };
}
