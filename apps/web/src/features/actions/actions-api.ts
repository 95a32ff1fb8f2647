import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';

export const ACTION_STATUSES = [
  'assigned',
  'acknowledged',
  'in_progress',
  'completed',
  'declined',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
/**
 * The one status vocabulary, as the meeting pack and the emails say it (ACTION_STATUS_LABELS
 * in @hotspot/contracts, copied to keep zod out of the bundle; a test holds them equal).
 */
export const STATUS_LABELS: Readonly<Record<ActionStatus, string>> = {
  assigned: 'Awaiting acknowledgement',
  acknowledged: 'Acknowledged',
  in_progress: 'In progress',
  completed: 'Completed',
  declined: 'Declined',
};

export const ACTION_PRIORITIES = [
  'prevention-education',
  'recognition-identification',
  'intervention-support',
  'pursue-disrupt',
] as const;
export type ActionPriority = (typeof ACTION_PRIORITIES)[number];
export const PRIORITY_LABELS: Readonly<Record<ActionPriority, string>> = {
  'prevention-education': 'Prevention & Education',
  'recognition-identification': 'Recognition & Identification',
  'intervention-support': 'Intervention & Support',
  'pursue-disrupt': 'Pursue & Disrupt',
};

export interface ActionSummary {
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
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** `reassign` is offered to chairs and analysts only (the server decides, by role and status). */
export type ActionStep = 'acknowledge' | 'start' | 'complete' | 'decline' | 'note' | 'reassign';

export interface ActionDetail extends ActionSummary {
  readonly detail: string | null;
  readonly outcome: string | null;
  readonly declineReason: string | null;
  readonly acknowledgedBy: string | null;
  readonly createdBy: string;
  readonly timeline: readonly {
    readonly at: string;
    readonly by: string;
    readonly byAgency: string;
    readonly fromStatus: ActionStatus | null;
    readonly toStatus: ActionStatus | null;
    readonly note: string | null;
  }[];
  readonly availableSteps: readonly ActionStep[];
}

export interface ActionFilters {
  readonly status?: readonly ActionStatus[];
  readonly agency?: string;
  readonly overdue?: boolean;
  readonly hotspot?: string;
  readonly mine?: boolean;
}

export function actionQueryString(filters: ActionFilters): string {
  const params = new URLSearchParams();
  if (filters.mine) params.set('mine', '1');
  if (filters.status && filters.status.length > 0) params.set('status', filters.status.join(','));
  if (filters.agency) params.set('agency', filters.agency);
  if (filters.overdue) params.set('overdue', '1');
  if (filters.hotspot) params.set('hotspot', filters.hotspot);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function useActions(filters: ActionFilters) {
  return useQuery({
    queryKey: ['actions', filters],
    queryFn: ({ signal }) =>
      apiFetch<{ actions: ActionSummary[]; today: string }>(
        `/api/actions${actionQueryString(filters)}`,
        { signal },
      ),
  });
}

export function useAction(id: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['action', id],
    queryFn: async ({ signal }) => {
      const detail = await apiFetch<ActionDetail>(`/api/actions/${encodeURIComponent(id)}`, {
        signal,
      });
      // Opening an action reads its notices (the API marks them): the list must say so.
      void client.invalidateQueries({ queryKey: ['notifications'] });
      return detail;
    },
  });
}

/** A change of agency, due date or priority, with why; unchanged fields are ignored. */
export interface ActionReassignment {
  readonly agencyId: string;
  readonly dueOn: string;
  readonly priority: ActionPriority;
  readonly reason: string;
}

export type StepRequest =
  | { readonly step: 'acknowledge' }
  | { readonly step: 'start' | 'note'; readonly note: string }
  | { readonly step: 'complete'; readonly outcome: string }
  | { readonly step: 'decline'; readonly reason: string }
  | ({ readonly step: 'reassign' } & ActionReassignment);

function stepCall(id: string, request: StepRequest): Promise<ActionDetail> {
  const base = `/api/actions/${encodeURIComponent(id)}`;
  switch (request.step) {
    case 'acknowledge':
      return apiFetch(`${base}/acknowledge`, { method: 'POST' });
    case 'start':
      return apiFetch(`${base}/updates`, {
        method: 'POST',
        json: { note: request.note, status: 'in_progress' },
      });
    case 'note':
      return apiFetch(`${base}/updates`, { method: 'POST', json: { note: request.note } });
    case 'complete':
      return apiFetch(`${base}/complete`, { method: 'POST', json: { outcome: request.outcome } });
    case 'decline':
      return apiFetch(`${base}/decline`, { method: 'POST', json: { reason: request.reason } });
    case 'reassign': {
      const { agencyId, dueOn, priority, reason } = request;
      return apiFetch(base, { method: 'PATCH', json: { agencyId, dueOn, priority, reason } });
    }
  }
}

export function useActionStep(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (request: StepRequest) => stepCall(id, request),
    onSuccess: (detail) => {
      client.setQueryData(['action', id], detail);
      void client.invalidateQueries({ queryKey: ['actions'] });
      void client.invalidateQueries({ queryKey: ['hotspot', detail.hotspotId] });
    },
  });
}

export interface AppNotification {
  readonly id: string;
  readonly kind: string;
  readonly actionId: string | null;
  readonly message: string;
  readonly createdAt: string;
  readonly read: boolean;
}

export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) =>
      apiFetch<{ notifications: AppNotification[]; unread: number }>('/api/notifications', {
        signal,
      }),
  });
}

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch<void>(`/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['notifications'] }),
  });
}

/** "2025-03-04" -> "4 Mar 2025" (dates are calendar dates: no time zone shift). */
export function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export function formatInstant(at: string): string {
  return new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}
