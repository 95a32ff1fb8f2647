import {
  actionRequestSchemas,
  hotspotRequestSchemas,
  meetingRequestSchemas,
  recordRequestSchemas,
  viewRequestSchemas,
} from '@hotspot/contracts';
import { findPersonalData } from '@hotspot/ingest';
import { staffNote } from './staff-note.ts';

// The request bodies of packages/contracts that hold free text staff write, built once with the
// server's staff-note screening (which needs packages/ingest, so contracts cannot hold it).
// Everything else of the wire format routes import from @hotspot/contracts directly.

export const { NewHotspotSchema, HotspotChangeSchema, NewActionSchema } =
  hotspotRequestSchemas(staffNote);

export const {
  NewMeetingSchema,
  MeetingChangeSchema,
  AgendaOrderSchema,
  NewAgendaItemSchema,
  AgendaItemChangeSchema,
  NewDecisionSchema,
} = meetingRequestSchemas(staffNote);

export const {
  ActionReassignmentSchema,
  ActionUpdateSchema,
  ActionCompletionSchema,
  ActionDeclineSchema,
  NewSuggestedActionSchema,
  SuggestedActionChangeSchema,
} = actionRequestSchemas(staffNote);

export const { NewViewSchema } = viewRequestSchemas(staffNote);

/** A reason is kept (batch) or audited (record): it must not carry personal data itself. */
export const { ReasonSchema, RetainRecordSchema, ReasonOnlySchema, BatchReviewDecisionSchema } =
  recordRequestSchemas((schema) =>
    schema.refine((v) => findPersonalData(v).length === 0, {
      message: 'The reason looks like it holds personal data; describe why without it.',
    }),
  );
