import { z } from 'zod';
import { ACTION_PRIORITIES, ACTION_STATUSES, AGENCY_KINDS, TaxonomyCodeSchema } from './domain.ts';
import { ActionSummarySchema } from './hotspots.ts';
import type { NoteCheck } from './wire.ts';

// The wire format of actions (their timeline and the steps of their workflow) and of the
// partnership's suggested actions.

/** What a caller may do to an action; the API says which apply to whom and in which status. */
export const ACTION_STEP_NAMES = [
  'acknowledge',
  'start',
  'complete',
  'decline',
  'note',
  'reassign',
] as const;
export type ActionStepName = (typeof ACTION_STEP_NAMES)[number];

export const TimelineEntrySchema = z
  .object({
    at: z.string(),
    by: z.string(),
    byAgency: z.string(),
    fromStatus: z.enum(ACTION_STATUSES).nullable(),
    toStatus: z.enum(ACTION_STATUSES).nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'ActionTimelineEntry' });

export const ActionDetailSchema = ActionSummarySchema.extend({
  detail: z.string().nullable(),
  outcome: z.string().nullable(),
  declineReason: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  createdBy: z.string(),
  meetingId: z.string().nullable(),
  timeline: z.array(TimelineEntrySchema),
  /** What the caller may do now (buttons to show). */
  availableSteps: z.array(z.enum(ACTION_STEP_NAMES)),
}).meta({ id: 'ActionDetail' });

export const ActionListSchema = z.object({
  actions: z.array(ActionSummarySchema),
  today: z.string(),
});

export const SuggestedActionSchema = z
  .object({
    id: z.string(),
    placeType: z.string(),
    priority: z.enum(ACTION_PRIORITIES),
    title: z.string(),
    detail: z.string().nullable(),
    agencyKind: z.enum(AGENCY_KINDS).nullable(),
    position: z.number().int(),
  })
  .meta({ id: 'SuggestedAction' });

export const SuggestedActionListSchema = z.object({ suggestions: z.array(SuggestedActionSchema) });

/** Fields a reassignment may change; at least one is required. */
export const REASSIGNABLE_FIELDS = ['agencyId', 'dueOn', 'priority'] as const;

/** The request bodies, with the server's note check on the free text (see NoteCheck). */
export function actionRequestSchemas(note: NoteCheck) {
  const NoteSchema = note(z.string().trim().min(1).max(4000));

  const ActionReassignmentSchema = z
    .strictObject({
      agencyId: z
        .uuid({ error: 'must be the id of an agency of this partnership' })
        .optional()
        .meta({ description: 'The agency to give the action to (resets its acknowledgement)' }),
      dueOn: z.iso
        .date({ error: 'must be a date written YYYY-MM-DD' })
        .optional()
        .meta({ description: 'The new due date: today or later' }),
      priority: z
        .enum(ACTION_PRIORITIES, { error: `must be one of ${ACTION_PRIORITIES.join(', ')}` })
        .optional(),
      reason: note(
        z
          .string({
            error: (issue) =>
              issue.input === undefined
                ? 'is required: say why the action is changing'
                : 'must be text',
          })
          .trim()
          .min(3, { error: 'must be at least 3 characters' })
          .max(2000, { error: 'must be at most 2000 characters' }),
      ).meta({ description: 'Why; shown on the timeline (not in the audit trail)' }),
    })
    .refine((b) => REASSIGNABLE_FIELDS.some((f) => b[f] !== undefined), {
      error: `give at least one of ${REASSIGNABLE_FIELDS.join(', ')}`,
    })
    .meta({ id: 'ActionReassignment' });

  const ActionUpdateSchema = z
    .strictObject({ note: NoteSchema, status: z.literal('in_progress').optional() })
    .meta({ id: 'ActionUpdate' });
  const ActionCompletionSchema = z
    .strictObject({ outcome: NoteSchema })
    .meta({ id: 'ActionCompletion' });
  const ActionDeclineSchema = z
    .strictObject({ reason: note(z.string().trim().min(3).max(2000)) })
    .meta({ id: 'ActionDecline' });

  const fields = {
    placeType: TaxonomyCodeSchema.max(64),
    priority: z.enum(ACTION_PRIORITIES),
    title: note(z.string().trim().min(1).max(200)),
    detail: note(z.string().trim().max(2000)).nullable(),
    agencyKind: z.enum(AGENCY_KINDS).nullable(),
    position: z.number().int().min(0).max(10_000),
  };
  const NewSuggestedActionSchema = z
    .strictObject({
      ...fields,
      detail: fields.detail.optional(),
      agencyKind: fields.agencyKind.optional(),
      position: fields.position.optional(),
    })
    .meta({ id: 'NewSuggestedAction' });
  const SuggestedActionChangeSchema = z
    .strictObject({
      placeType: fields.placeType.optional(),
      priority: fields.priority.optional(),
      title: fields.title.optional(),
      detail: fields.detail.optional(),
      agencyKind: fields.agencyKind.optional(),
      position: fields.position.optional(),
    })
    .refine(
      (v) => Object.values(v).some((x) => x !== undefined),
      'Give at least one field to change.',
    )
    .meta({ id: 'SuggestedActionChange' });

  return {
    ActionReassignmentSchema,
    ActionUpdateSchema,
    ActionCompletionSchema,
    ActionDeclineSchema,
    NewSuggestedActionSchema,
    SuggestedActionChangeSchema,
  };
}

type ActionRequests = ReturnType<typeof actionRequestSchemas>;
export type ActionReassignment = z.infer<ActionRequests['ActionReassignmentSchema']>;
export type ActionReassignmentInput = z.input<ActionRequests['ActionReassignmentSchema']>;
export type ActionUpdateInput = z.input<ActionRequests['ActionUpdateSchema']>;
export type NewSuggestedActionInput = z.input<ActionRequests['NewSuggestedActionSchema']>;
export type SuggestedActionChangeInput = z.input<ActionRequests['SuggestedActionChangeSchema']>;
export type ActionTimelineEntry = z.infer<typeof TimelineEntrySchema>;
export type ActionDetail = z.infer<typeof ActionDetailSchema>;
export type ActionList = z.infer<typeof ActionListSchema>;
export type SuggestedAction = z.infer<typeof SuggestedActionSchema>;
