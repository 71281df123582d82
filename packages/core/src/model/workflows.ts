// The workflows a lifecycle event belongs to, and the narrower variants that change what they may do.
import { z } from 'zod';

/** The workflows a lifecycle event belongs to. */
export const WORKFLOWS = ['offboarding', 'access_review', 'license_management'] as const;
/** The name of a workflow. */
export type WorkflowName = (typeof WORKFLOWS)[number];

export const workflowOfSchema = z.object({
  workflow: z.enum(WORKFLOWS),
  /** A narrower case of the workflow that changes what it may do. */
  variant: z.enum(['inactivity', 'reversal']).nullable(),
});
/** The workflow of an event type, with its narrower variant (inactivity, reversal) or null. */
export type WorkflowOf = z.infer<typeof workflowOfSchema>;
