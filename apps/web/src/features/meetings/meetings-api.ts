import {
  ActionDetailSchema,
  type Agenda,
  type AgendaKind,
  AgendaSchema,
  type MeetingChangeInput,
  MeetingListSchema,
  MeetingSchema,
  type MeetingStatus,
  type MeetingSummary,
  type NewActionInput,
  type NewAgendaItemInput,
  type NewMeetingInput,
  RecordedDecisionSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';

// The wire shapes of /api/meetings are packages/contracts/src/meetings.ts.
export type {
  Agenda,
  AgendaAction,
  AgendaItem,
  AgendaKind,
  Meeting,
  MeetingStatus,
  MeetingSummary,
} from '@hotspot/contracts';

export const MEETING_STATUS_LABELS: Readonly<Record<MeetingStatus, string>> = {
  planned: 'Planned',
  in_progress: 'In progress',
  closed: 'Closed',
};

export const AGENDA_KIND_LABELS: Readonly<Record<AgendaKind, string>> = {
  'new-hotspot': 'New hotspot',
  'emerging-hotspot': 'Emerging hotspot',
  'review-due': 'Review due',
  'overdue-action': 'Overdue action',
  'awaiting-acknowledgement': 'Awaiting acknowledgement',
  'completed-action': 'Completed action',
  custom: 'Item',
};

const meetingKey = (id: string) => ['meeting', id] as const;
const agendaKey = (id: string) => ['meeting', id, 'agenda'] as const;

export function useMeetings() {
  return useQuery({
    queryKey: ['meetings'],
    queryFn: async ({ signal }) =>
      (await apiFetch('/api/meetings', MeetingListSchema, { signal })).meetings,
  });
}

export function useMeeting(id: string) {
  return useQuery({
    queryKey: meetingKey(id),
    queryFn: ({ signal }) => apiFetch(`/api/meetings/${id}`, MeetingSchema, { signal }),
  });
}

export function useAgenda(id: string) {
  return useQuery({
    queryKey: agendaKey(id),
    queryFn: ({ signal }) => apiFetch(`/api/meetings/${id}/agenda`, AgendaSchema, { signal }),
  });
}

export function useCreateMeeting() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (meeting: NewMeetingInput) =>
      apiFetch('/api/meetings', MeetingSchema, { method: 'POST', json: meeting }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['meetings'] }),
  });
}

export function useChangeMeeting(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: MeetingChangeInput) =>
      apiFetch(`/api/meetings/${id}`, MeetingSchema, { method: 'PATCH', json: change }),
    onSuccess: (meeting) => {
      client.setQueryData(meetingKey(id), meeting);
      void client.invalidateQueries({ queryKey: ['meetings'] });
    },
  });
}

/** Every agenda edit answers with the whole agenda, which replaces the cached one. */
function useAgendaEdit<T>(id: string, request: (body: T) => Promise<Agenda>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (agenda) => client.setQueryData(agendaKey(id), agenda),
  });
}

export function useReorderAgenda(id: string) {
  return useAgendaEdit(id, (itemIds: readonly string[]) =>
    apiFetch(`/api/meetings/${id}/agenda`, AgendaSchema, { method: 'PATCH', json: { itemIds } }),
  );
}

export function useAddAgendaItem(id: string) {
  return useAgendaEdit(id, (item: NewAgendaItemInput) =>
    apiFetch(`/api/meetings/${id}/agenda/items`, AgendaSchema, { method: 'POST', json: item }),
  );
}

export function useRemoveAgendaItem(id: string) {
  return useAgendaEdit(id, (itemId: string) =>
    apiFetch(`/api/meetings/${id}/agenda/items/${itemId}`, AgendaSchema, { method: 'DELETE' }),
  );
}

export function useRegenerateAgenda(id: string) {
  return useAgendaEdit(id, (_: undefined) =>
    apiFetch(`/api/meetings/${id}/agenda/generate`, AgendaSchema, { method: 'POST' }),
  );
}

export function useRecordDecision(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ itemId, text }: { itemId: string; text: string }) =>
      apiFetch(`/api/meetings/${id}/items/${itemId}/decision`, RecordedDecisionSchema, {
        method: 'POST',
        json: { text },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: agendaKey(id) }),
  });
}

/** An action agreed in the meeting: created through the hotspot's actions API, tagged with the meeting. */
export function useCreateMeetingAction(meetingId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ hotspotId, ...body }: { hotspotId: string } & NewActionInput) =>
      apiFetch(`/api/hotspots/${hotspotId}/actions`, ActionDetailSchema, {
        method: 'POST',
        json: { ...body, meetingId } satisfies NewActionInput,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: agendaKey(meetingId) });
      void client.invalidateQueries({ queryKey: ['actions'] });
      void client.invalidateQueries({ queryKey: ['layer'] });
    },
  });
}

/** "Tue 3 Mar 2025, 10:00" in the user's locale conventions for the UK. */
export function formatMeetingTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function meetingPlace(m: Pick<MeetingSummary, 'place' | 'online'>): string {
  return [m.place, m.online ? 'online' : null].filter(Boolean).join(' and ');
}
