// The lifecycle event types (CloudEvents `type`) and the workflow each one belongs to. Names: interfaces.md.
import type { WorkflowOf } from '../model/workflows.js';

/** The lifecycle event types (CloudEvents `type`), one zod schema each. */
export const EVENT_TYPES = [
  'lifecycle.offboarding.v1',
  'lifecycle.access_revoked.v1',
  'lifecycle.license_reclaim.v1',
  'lifecycle.inactivity.v1',
  'lifecycle.rehire.v1',
] as const;
/** A lifecycle event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The CloudEvents type of the result event the consumer publishes per event. */
export const RESULT_EVENT_TYPE = 'lifecycle.result.v1';

export const WORKFLOW_OF_TYPE: Record<EventType, WorkflowOf> = {
  'lifecycle.offboarding.v1': { workflow: 'offboarding', variant: null },
  'lifecycle.access_revoked.v1': { workflow: 'access_review', variant: null },
  'lifecycle.license_reclaim.v1': { workflow: 'license_management', variant: null },
  'lifecycle.inactivity.v1': { workflow: 'license_management', variant: 'inactivity' },
  'lifecycle.rehire.v1': { workflow: 'offboarding', variant: 'reversal' },
};

/** Whether a string is one of the lifecycle event types. */
export function isEventType(type: string): type is EventType {
  return (EVENT_TYPES as readonly string[]).includes(type);
}
