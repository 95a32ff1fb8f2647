import { z } from '@hono/zod-openapi';
import {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  HOTSPOT_STATUSES,
  RISK_RATINGS,
} from '@hotspot/contracts';
import { staffNote } from '../../http/staff-note.ts';

// The wire format of meetings, their agendas and decisions. Request bodies are strict objects:
// an unknown field is a 422, not silently dropped.

export const MEETING_STATUSES = ['planned', 'in_progress', 'closed'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

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

const TitleSchema = staffNote(z.string().trim().min(1).max(200));
const PlaceSchema = staffNote(z.string().trim().min(1).max(200));

export const NewMeetingSchema = z
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
  .openapi('NewMeeting');

export const AttendanceSchema = z
  .strictObject({
    agencyId: z.uuid(),
    present: z.boolean(),
    /** Who attended for the agency (a user of that agency), if recorded. */
    userId: z.uuid().nullable().optional(),
  })
  .openapi('Attendance');

export const MeetingChangeSchema = z
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
  .openapi('MeetingChange');

export const MeetingIdParamSchema = z.object({ id: z.uuid() });
export const AgendaItemParamSchema = z.object({ id: z.uuid(), itemId: z.uuid() });

export const AgendaOrderSchema = z
  .strictObject({
    /** Every item of the agenda, once, in the new order. */
    itemIds: z.array(z.uuid()).max(500),
  })
  .openapi('AgendaOrder');

export const NewAgendaItemSchema = z
  .strictObject({
    title: TitleSchema,
    hotspotId: z.uuid().optional(),
    viewId: z.uuid().optional(),
    /** Where to insert it (0 = first); default last. */
    position: z.number().int().min(0).max(500).optional(),
  })
  .openapi('NewAgendaItem');

export const AgendaItemChangeSchema = z
  .strictObject({
    title: TitleSchema.optional(),
    viewId: z.uuid().nullable().optional(),
  })
  .refine((v) => v.title !== undefined || v.viewId !== undefined, 'Give a title or a view.')
  .openapi('AgendaItemChange');

export const NewDecisionSchema = z
  .strictObject({ text: staffNote(z.string().trim().min(1).max(4000)) })
  .openapi('NewDecision');

const AgencyRefSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });

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
  .openapi('Meeting');

export const MeetingSummarySchema = MeetingSchema.omit({
  attendees: true,
  previousMeeting: true,
}).openapi('MeetingSummary');

export const AgendaActionSchema = z
  .object({
    id: z.string(),
    hotspotId: z.string(),
    hotspotName: z.string(),
    priority: z.enum(ACTION_PRIORITIES),
    agency: AgencyRefSchema,
    title: z.string(),
    dueOn: z.string(),
    status: z.enum(ACTION_STATUSES),
    overdue: z.boolean(),
    acknowledgedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    outcome: z.string().nullable(),
    meetingId: z.string().nullable(),
  })
  .openapi('AgendaAction');

export const DecisionSchema = z
  .object({ id: z.string(), text: z.string(), by: z.string(), at: z.string() })
  .openapi('Decision');

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
  .openapi('AgendaItem');

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
  .openapi('Agenda');
