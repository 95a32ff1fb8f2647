import { z } from 'zod';
import { HOTSPOT_STATUSES, MEETING_STATUSES, RISK_RATINGS } from './domain.ts';
import { ActionSummarySchema } from './hotspots.ts';
import { AgencyRefSchema, type NoteCheck } from './wire.ts';

// The wire format of meetings, their agendas and decisions. Request bodies are strict objects:
// an unknown field is a 422, not silently dropped.

export const AGENDA_KINDS = [
  'new-hotspot',
  'emerging-hotspot',
  'review-due',
  'overdue-action',
  'awaiting-acknowledgement',
  'completed-action',
  'custom',
] as const;
export type AgendaKind = (typeof AGENDA_KINDS)[number];

export const MeetingIdParamSchema = z.object({ id: z.uuid() });
export const AgendaItemParamSchema = z.object({ id: z.uuid(), itemId: z.uuid() });

export const MeetingSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    startsAt: z.string(),
    place: z.string().nullable(),
    online: z.boolean(),
    status: z.enum(MEETING_STATUSES),
    createdBy: z.string(),
    closedAt: z.string().nullable(),
    agendaGenerated: z.boolean(),
    previousMeeting: z.object({ id: z.string(), startsAt: z.string() }).nullable(),
    attendees: z.array(
      z.object({
        agency: AgencyRefSchema,
        user: z.object({ id: z.string(), name: z.string() }).nullable(),
        present: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Meeting' });

export const MeetingSummarySchema = MeetingSchema.omit({
  attendees: true,
  previousMeeting: true,
}).meta({ id: 'MeetingSummary' });

/** An action as the agenda shows it: its outcome and the meeting that assigned it. */
export const AgendaActionSchema = ActionSummarySchema.omit({ createdAt: true, updatedAt: true })
  .extend({ outcome: z.string().nullable(), meetingId: z.string().nullable() })
  .meta({ id: 'AgendaAction' });

export const DecisionSchema = z
  .object({ id: z.string(), text: z.string(), by: z.string(), at: z.string() })
  .meta({ id: 'Decision' });

export const AgendaItemSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    kind: z.enum(AGENDA_KINDS),
    title: z.string(),
    hotspot: z
      .object({
        id: z.string(),
        name: z.string(),
        status: z.enum(HOTSPOT_STATUSES),
        risk: z.enum(RISK_RATINGS).nullable(),
        reviewOn: z.string().nullable(),
      })
      .nullable(),
    /** The action the item is about (overdue, awaiting acknowledgement, completed). */
    action: AgendaActionSchema.nullable(),
    /** The state of every action of the item's hotspot (partners: their agency's only). */
    hotspotActions: z.array(AgendaActionSchema),
    decisions: z.array(DecisionSchema),
    viewId: z.string().nullable(),
  })
  .meta({ id: 'AgendaItem' });

export const AgendaSchema = z
  .object({
    meetingId: z.string(),
    /** Start of the period the agenda covers: the previous meeting, or null (from the beginning). */
    since: z.string().nullable(),
    until: z.string(),
    generatedAt: z.string().nullable(),
    rules: z.record(z.string(), z.string()),
    items: z.array(AgendaItemSchema),
  })
  .meta({ id: 'Agenda' });

export const MeetingListSchema = z.object({ meetings: z.array(MeetingSummarySchema) });
export const RecordedDecisionSchema = z.object({
  decision: DecisionSchema,
  item: AgendaItemSchema,
});

export type Meeting = z.infer<typeof MeetingSchema>;
export type MeetingSummary = z.infer<typeof MeetingSummarySchema>;
export type AgendaAction = z.infer<typeof AgendaActionSchema>;
export type Decision = z.infer<typeof DecisionSchema>;
export type AgendaItem = z.infer<typeof AgendaItemSchema>;
export type Agenda = z.infer<typeof AgendaSchema>;

/** The request bodies, with the server's note check on the free text (see NoteCheck). */
export function meetingRequestSchemas(note: NoteCheck) {
  const TitleSchema = note(z.string().trim().min(1).max(200));
  const PlaceSchema = note(z.string().trim().min(1).max(200));

  const NewMeetingSchema = z
    .strictObject({
      title: TitleSchema,
      startsAt: z.iso.datetime({ offset: true }),
      place: PlaceSchema.optional(),
      online: z.boolean().default(false),
      attendeeAgencyIds: z.array(z.uuid()).max(100).default([]),
    })
    .refine((m) => m.place !== undefined || m.online, {
      message: 'Give a place, or say the meeting is online.',
      path: ['place'],
    })
    .meta({ id: 'NewMeeting' });

  const AttendanceSchema = z
    .strictObject({
      agencyId: z.uuid(),
      present: z.boolean(),
      /** Who attended for the agency (a user of that agency), if recorded. */
      userId: z.uuid().nullable().optional(),
    })
    .meta({ id: 'Attendance' });

  const MeetingChangeSchema = z
    .strictObject({
      title: TitleSchema.optional(),
      startsAt: z.iso.datetime({ offset: true }).optional(),
      place: PlaceSchema.nullable().optional(),
      online: z.boolean().optional(),
      status: z.enum(MEETING_STATUSES).optional(),
      /** Agencies to invite (added as absent) or mark present/absent. */
      attendance: z.array(AttendanceSchema).max(100).optional(),
    })
    .refine(
      (v) => Object.values(v).some((x) => x !== undefined),
      'Give at least one field to change.',
    )
    .meta({ id: 'MeetingChange' });

  const AgendaOrderSchema = z
    .strictObject({
      /** Every item of the agenda, once, in the new order. */
      itemIds: z.array(z.uuid()).max(500),
    })
    .meta({ id: 'AgendaOrder' });

  const NewAgendaItemSchema = z
    .strictObject({
      title: TitleSchema,
      hotspotId: z.uuid().optional(),
      viewId: z.uuid().optional(),
      /** Where to insert it (0 = first); default last. */
      position: z.number().int().min(0).max(500).optional(),
    })
    .meta({ id: 'NewAgendaItem' });

  const AgendaItemChangeSchema = z
    .strictObject({
      title: TitleSchema.optional(),
      viewId: z.uuid().nullable().optional(),
    })
    .refine((v) => v.title !== undefined || v.viewId !== undefined, 'Give a title or a view.')
    .meta({ id: 'AgendaItemChange' });

  const NewDecisionSchema = z
    .strictObject({ text: note(z.string().trim().min(1).max(4000)) })
    .meta({ id: 'NewDecision' });

  return {
    NewMeetingSchema,
    AttendanceSchema,
    MeetingChangeSchema,
    AgendaOrderSchema,
    NewAgendaItemSchema,
    AgendaItemChangeSchema,
    NewDecisionSchema,
  };
}

type MeetingRequests = ReturnType<typeof meetingRequestSchemas>;
export type NewMeetingInput = z.input<MeetingRequests['NewMeetingSchema']>;
export type MeetingChangeInput = z.input<MeetingRequests['MeetingChangeSchema']>;
export type AgendaOrderInput = z.input<MeetingRequests['AgendaOrderSchema']>;
export type NewAgendaItemInput = z.input<MeetingRequests['NewAgendaItemSchema']>;
export type AgendaItemChangeInput = z.input<MeetingRequests['AgendaItemChangeSchema']>;
export type NewDecisionInput = z.input<MeetingRequests['NewDecisionSchema']>;
