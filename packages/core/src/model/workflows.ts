// The workflows a lifecycle event belongs to, and the narrower variants that change what they may do.
import { z } from 'zod';

export const WORKFLOWS = ['offboarding', 'access_review', 'license_management'] as const;
export type WorkflowName = (typeof WORKFLOWS)[number];

export const workflowOfSchema = z.object({
  workflow: z.enum(WORKFLOWS),
  /** A narrower case of the workflow that changes what it may do. */
  variant: z.enum(['inactivity', 'reversal']).nullable(),
});
export type WorkflowOf = z.infer<typeof workflowOfSchema>;
