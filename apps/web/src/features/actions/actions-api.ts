import {
  ACTION_PRIORITY_LABELS,
  ACTION_STATUS_LABELS,
  ActionDetailSchema,
  ActionListSchema,
  type ActionPriority,
  type ActionStatus,
  NoContentSchema,
  NotificationListSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';

export {
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  type ActionDetail,
  type ActionPriority,
  type ActionStatus,
  type ActionStepName as ActionStep,
  type ActionSummary,
} from '@hotspot/contracts';
/** The one status vocabulary: the screens, the meeting pack and the emails. */
export const STATUS_LABELS = ACTION_STATUS_LABELS;
export const PRIORITY_LABELS = ACTION_PRIORITY_LABELS;

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
      apiFetch(`/api/actions${actionQueryString(filters)}`, ActionListSchema, { signal }),
  });
}

export function useAction(id: string) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['action', id],
    queryFn: async ({ signal }) => {
      const detail = await apiFetch(`/api/actions/${encodeURIComponent(id)}`, ActionDetailSchema, {
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

function stepCall(id: string, request: StepRequest) {
  const base = `/api/actions/${encodeURIComponent(id)}`;
  switch (request.step) {
    case 'acknowledge':
      return apiFetch(`${base}/acknowledge`, ActionDetailSchema, { method: 'POST' });
    case 'start':
      return apiFetch(`${base}/updates`, ActionDetailSchema, {
        method: 'POST',
        json: { note: request.note, status: 'in_progress' },
      });
    case 'note':
      return apiFetch(`${base}/updates`, ActionDetailSchema, {
        method: 'POST',
        json: { note: request.note },
      });
    case 'complete':
      return apiFetch(`${base}/complete`, ActionDetailSchema, {
        method: 'POST',
        json: { outcome: request.outcome },
      });
    case 'decline':
      return apiFetch(`${base}/decline`, ActionDetailSchema, {
        method: 'POST',
        json: { reason: request.reason },
      });
    case 'reassign': {
      const { agencyId, dueOn, priority, reason } = request;
      return apiFetch(base, ActionDetailSchema, {
        method: 'PATCH',
        json: { agencyId, dueOn, priority, reason },
      });
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

export type { Notification as AppNotification } from '@hotspot/contracts';

export function useNotifications() {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: ({ signal }) => apiFetch('/api/notifications', NotificationListSchema, { signal }),
  });
}

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/notifications/${encodeURIComponent(id)}/read`, NoContentSchema, {
        method: 'POST',
      }),
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
