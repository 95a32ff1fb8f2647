import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';
import type { ActionPriority, ActionStatus } from '../actions/actions-api.ts';

// The wire shapes of /api/meetings (packages/contracts/src/meetings.ts).

export type MeetingStatus = 'planned' | 'in_progress' | 'closed';

export const MEETING_STATUS_LABELS: Readonly<Record<MeetingStatus, string>> = {
  planned: 'Planned',
  in_progress: 'In progress',
  closed: 'Closed',
};

export type AgendaKind =
  | 'new-hotspot'
  | 'emerging-hotspot'
  | 'review-due'
  | 'overdue-action'
  | 'awaiting-acknowledgement'
  | 'completed-action'
  | 'custom';

export const AGENDA_KIND_LABELS: Readonly<Record<AgendaKind, string>> = {
  'new-hotspot': 'New hotspot',
  'emerging-hotspot': 'Emerging hotspot',
  'review-due': 'Review due',
  'overdue-action': 'Overdue action',
  'awaiting-acknowledgement': 'Awaiting acknowledgement',
  'completed-action': 'Completed action',
  custom: 'Item',
};

export interface MeetingSummary {
  readonly id: string;
  readonly title: string;
  readonly startsAt: string;
  readonly place: string | null;
  readonly online: boolean;
  readonly status: MeetingStatus;
  readonly createdBy: string;
  readonly closedAt: string | null;
  readonly agendaGenerated: boolean;
}

export interface Attendee {
  readonly agency: { readonly id: string; readonly code: string; readonly name: string };
  readonly user: { readonly id: string; readonly name: string } | null;
  readonly present: boolean;
}

export interface Meeting extends MeetingSummary {
  readonly previousMeeting: { readonly id: string; readonly startsAt: string } | null;
  readonly attendees: readonly Attendee[];
}

export interface AgendaAction {
  readonly id: string;
  readonly hotspotId: string;
  readonly hotspotName: string;
  readonly priority: ActionPriority;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string };
  readonly title: string;
  readonly dueOn: string;
  readonly status: ActionStatus;
  readonly overdue: boolean;
  readonly acknowledgedAt: string | null;
  readonly completedAt: string | null;
  readonly outcome: string | null;
  readonly meetingId: string | null;
}

export interface AgendaItem {
  readonly id: string;
  readonly position: number;
  readonly kind: AgendaKind;
  readonly title: string;
  readonly hotspot: {
    readonly id: string;
    readonly name: string;
    readonly status: string;
    readonly risk: string | null;
    readonly reviewOn: string | null;
  } | null;
  readonly action: AgendaAction | null;
  readonly hotspotActions: readonly AgendaAction[];
  readonly decisions: readonly {
    readonly id: string;
    readonly text: string;
    readonly by: string;
    readonly at: string;
  }[];
  readonly viewId: string | null;
}

export interface Agenda {
  readonly meetingId: string;
  readonly since: string | null;
  readonly until: string;
  readonly generatedAt: string | null;
  readonly rules: Readonly<Record<string, string>>;
  readonly items: readonly AgendaItem[];
}

export interface NewMeeting {
  readonly title: string;
  readonly startsAt: string;
  readonly place?: string;
  readonly online: boolean;
  readonly attendeeAgencyIds: readonly string[];
}

export interface MeetingChange {
  readonly status?: MeetingStatus;
  readonly attendance?: readonly { agencyId: string; present: boolean }[];
}

const meetingKey = (id: string) => ['meeting', id] as const;
const agendaKey = (id: string) => ['meeting', id, 'agenda'] as const;

export function useMeetings() {
  return useQuery({
    queryKey: ['meetings'],
    queryFn: async ({ signal }) =>
      (await apiFetchUnparsed<{ meetings: MeetingSummary[] }>('/api/meetings', { signal }))
        .meetings,
  });
}

export function useMeeting(id: string) {
  return useQuery({
    queryKey: meetingKey(id),
    queryFn: ({ signal }) => apiFetchUnparsed<Meeting>(`/api/meetings/${id}`, { signal }),
  });
}

export function useAgenda(id: string) {
  return useQuery({
    queryKey: agendaKey(id),
    queryFn: ({ signal }) => apiFetchUnparsed<Agenda>(`/api/meetings/${id}/agenda`, { signal }),
  });
}

export function useCreateMeeting() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (meeting: NewMeeting) =>
      apiFetchUnparsed<Meeting>('/api/meetings', { method: 'POST', json: meeting }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['meetings'] }),
  });
}

export function useChangeMeeting(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: MeetingChange) =>
      apiFetchUnparsed<Meeting>(`/api/meetings/${id}`, { method: 'PATCH', json: change }),
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
    apiFetchUnparsed<Agenda>(`/api/meetings/${id}/agenda`, { method: 'PATCH', json: { itemIds } }),
  );
}

export function useAddAgendaItem(id: string) {
  return useAgendaEdit(id, (item: { title: string; hotspotId?: string }) =>
    apiFetchUnparsed<Agenda>(`/api/meetings/${id}/agenda/items`, { method: 'POST', json: item }),
  );
}

export function useRemoveAgendaItem(id: string) {
  return useAgendaEdit(id, (itemId: string) =>
    apiFetchUnparsed<Agenda>(`/api/meetings/${id}/agenda/items/${itemId}`, { method: 'DELETE' }),
  );
}

export function useRegenerateAgenda(id: string) {
  return useAgendaEdit(id, (_: undefined) =>
    apiFetchUnparsed<Agenda>(`/api/meetings/${id}/agenda/generate`, { method: 'POST' }),
  );
}

export function useRecordDecision(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ itemId, text }: { itemId: string; text: string }) =>
      apiFetchUnparsed<{ item: AgendaItem }>(`/api/meetings/${id}/items/${itemId}/decision`, {
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
    mutationFn: ({
      hotspotId,
      ...body
    }: {
      hotspotId: string;
      priority: ActionPriority;
      agencyId: string;
      title: string;
      dueOn: string;
    }) =>
      apiFetchUnparsed<unknown>(`/api/hotspots/${hotspotId}/actions`, {
        method: 'POST',
        json: { ...body, meetingId },
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
