import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { apiFetch } from '../../api/api-fetch.ts';
import type { ActionDetail, ActionPriority, ActionSummary } from '../actions/actions-api.ts';
import type { DisclosureApplied } from './hotspot-view.ts';

export const HOTSPOT_STATUSES = [
  'proposed',
  'confirmed',
  'tasked',
  'monitoring',
  'closed',
] as const;
export type HotspotStatus = (typeof HOTSPOT_STATUSES)[number];
export const HOTSPOT_STATUS_LABELS: Readonly<Record<HotspotStatus, string>> = {
  proposed: 'Proposed',
  confirmed: 'Confirmed',
  tasked: 'Tasked',
  monitoring: 'Monitoring',
  closed: 'Closed',
};
export const RISKS = ['low', 'medium', 'high', 'very-high'] as const;
export type Risk = (typeof RISKS)[number];

export type DisclosedCount =
  | { readonly count: number }
  | { readonly suppressed: true; readonly fewerThan: number };

export function countText(c: DisclosedCount): string {
  return 'count' in c ? String(c.count) : `fewer than ${c.fewerThan}`;
}

export interface HotspotSummary {
  readonly id: string;
  readonly name: string;
  readonly method: string;
  readonly status: HotspotStatus;
  readonly risk: Risk | null;
  readonly reviewOn: string | null;
  readonly reviewDue: boolean;
  /** Reported dates the hotspot was found in (its counts are for this period). */
  readonly periodFrom: string | null;
  readonly periodTo: string | null;
  readonly responseStartedOn: string | null;
  readonly openActions: number;
  readonly overdueActions: number;
  readonly updatedAt: string;
}

export interface HotspotDetail extends HotspotSummary {
  /** The outline as this user may see it: generalised for non-analysts; null when none is left. */
  readonly area: Feature<Polygon | MultiPolygon> | null;
  readonly reports: DisclosedCount;
  readonly osara: Readonly<
    Record<
      'objective' | 'scanning' | 'analysis' | 'response' | 'assessment',
      string | null | undefined
    >
  >;
  readonly statusHistory: readonly {
    from: HotspotStatus | null;
    to: HotspotStatus;
    by: string;
    at: string;
    reason: string | null;
  }[];
  readonly allowedTransitions: readonly HotspotStatus[];
  readonly actions: readonly ActionSummary[];
  readonly createdBy: string;
  /** Non-analysts: the disclosure rules the API applied to this response. */
  readonly disclosure?: DisclosureApplied;
}

export interface Evaluation {
  readonly parameters: { bufferMeters: number; date: string; periodDays: number };
  readonly counts: Record<
    'target' | 'buffer' | 'control',
    { before: DisclosedCount; after: DisclosedCount }
  >;
  readonly result:
    | { computable: true; wdq: number; totalNetEffect: number; interpretation: string }
    | { computable: false; reason: string };
  readonly explanation: string;
}

export interface SuggestedAction {
  readonly id: string;
  readonly placeType: string;
  readonly priority: ActionPriority;
  readonly title: string;
  readonly detail: string | null;
  readonly agencyKind: string | null;
}

export function useHotspots() {
  return useQuery({
    queryKey: ['hotspots'],
    queryFn: ({ signal }) => apiFetch<{ hotspots: HotspotSummary[] }>('/api/hotspots', { signal }),
  });
}

export function useHotspot(id: string) {
  return useQuery({
    queryKey: ['hotspot', id],
    queryFn: ({ signal }) =>
      apiFetch<HotspotDetail>(`/api/hotspots/${encodeURIComponent(id)}`, { signal }),
  });
}

export function useEvaluation(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['hotspot', id, 'evaluation'],
    queryFn: ({ signal }) =>
      apiFetch<Evaluation>(`/api/hotspots/${encodeURIComponent(id)}/evaluation`, { signal }),
    enabled,
    retry: false,
  });
}

export function useChangeHotspot(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: Record<string, unknown>) =>
      apiFetch<HotspotDetail>(`/api/hotspots/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        json: change,
      }),
    onSuccess: (detail) => {
      client.setQueryData(['hotspot', id], detail);
      void client.invalidateQueries({ queryKey: ['hotspots'] });
      void client.invalidateQueries({ queryKey: ['hotspot', id, 'evaluation'] });
    },
  });
}

export function useAssignAction(hotspotId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: {
      priority: ActionPriority;
      agencyId: string;
      title: string;
      detail?: string;
      dueOn: string;
    }) =>
      apiFetch<ActionDetail>(`/api/hotspots/${encodeURIComponent(hotspotId)}/actions`, {
        method: 'POST',
        json: body,
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['hotspot', hotspotId] });
      void client.invalidateQueries({ queryKey: ['actions'] });
      void client.invalidateQueries({ queryKey: ['hotspots'] });
    },
  });
}

export function useSuggestedActions() {
  return useQuery({
    queryKey: ['suggested-actions'],
    queryFn: ({ signal }) =>
      apiFetch<{ suggestions: SuggestedAction[] }>('/api/suggested-actions', { signal }),
    staleTime: 10 * 60_000,
  });
}

export interface AgencyOption {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly kind: string;
}

export function useAgencies() {
  return useQuery({
    queryKey: ['agencies'],
    queryFn: ({ signal }) => apiFetch<{ agencies: AgencyOption[] }>('/api/agencies', { signal }),
    staleTime: 10 * 60_000,
  });
}
