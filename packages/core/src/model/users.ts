// The words for Zendesk users: how an event names one (UserRef) and what decisions need of one (UserSnapshot).
import { z } from 'zod';

/** How an event names a Zendesk user: at least one of id, email, external id. */
export const userRefSchema = z
  .object({
    id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    email: z.email().max(254).optional(),
    external_id: z.string().min(1).max(255).optional(),
  })
  .strict()
  .refine((ref) => ref.id !== undefined || ref.email !== undefined || ref.external_id !== undefined, {
    message: 'needs at least one of id, email, external_id',
  });
/** How an event names a user: Zendesk id, email or external id. */
export type UserRef = z.infer<typeof userRefSchema>;

/** Zendesk's user roles. */
export const ZENDESK_ROLES = ['end-user', 'agent', 'admin'] as const;
/** A Zendesk user role. */
export type ZendeskRole = (typeof ZENDESK_ROLES)[number];

/** The part of a Zendesk user that lifecycle decisions and audit tickets need. */
export const userSnapshotSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  external_id: z.string().nullable(),
  role: z.enum(ZENDESK_ROLES),
  /** Zendesk role_type: 0 custom agent, 1 light agent, 2 chat agent, 3 contributor, 4 admin, 5 billing admin. */
  role_type: z.number().int().nullable(),
  custom_role_id: z.number().int().nullable(),
  suspended: z.boolean(),
  /** false once soft deleted. */
  active: z.boolean(),
  last_login_at: z.string().nullable(),
  /** The Zendesk account owner, whom Zendesk itself refuses to downgrade, suspend or delete. */
  is_account_owner: z.boolean().optional(),
  /**
   * The groups the user is a member of (ids, ascending): read before a step that changes the user (what undo
   * restores); absent when they were not read.
   */
  group_ids: z.array(z.number().int()).optional(),
});
/** A Zendesk user as the actions read it (role, custom role, suspension, owner flag, ...). */
export type UserSnapshot = z.infer<typeof userSnapshotSchema>;
