import {
  ActionDetailSchema,
  AgencyOptionListSchema,
  type DisclosedCount,
  type HotspotDetailView,
  HotspotDetailViewSchema,
  type HotspotEvaluationView,
  HotspotEvaluationViewSchema,
  HotspotListSchema,
  type HotspotStatus,
  SuggestedActionListSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';
import type { ActionPriority } from '../actions/actions-api.ts';

export {
  type DisclosedCount,
  HOTSPOT_STATUSES,
  type HotspotStatus,
  type HotspotSummary,
  RISK_RATINGS as RISKS,
  type RiskRating as Risk,
  type SuggestedAction,
} from '@hotspot/contracts';
export type HotspotDetail = HotspotDetailView;

export const HOTSPOT_STATUS_LABELS: Readonly<Record<HotspotStatus, string>> = {
  proposed: 'Proposed',
  confirmed: 'Confirmed',
  tasked: 'Tasked',
  monitoring: 'Monitoring',
  closed: 'Closed',
};

export function countText(c: DisclosedCount): string {
  return 'count' in c ? String(c.count) : `fewer than ${c.fewerThan}`;
}

export type Evaluation = HotspotEvaluationView;

export function useHotspots() {
  return useQuery({
    queryKey: ['hotspots'],
    queryFn: ({ signal }) => apiFetch('/api/hotspots', HotspotListSchema, { signal }),
  });
}

/** One hotspot (the hotspot page and the map's panel share this query; null: none chosen). */
export function useHotspot(id: string | null) {
  return useQuery({
    queryKey: ['hotspot', id],
    queryFn: ({ signal }) =>
      apiFetch(`/api/hotspots/${encodeURIComponent(id ?? '')}`, HotspotDetailViewSchema, {
        signal,
      }),
    enabled: id !== null,
  });
}

export function useEvaluation(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['hotspot', id, 'evaluation'],
    queryFn: ({ signal }) =>
      apiFetch(`/api/hotspots/${encodeURIComponent(id)}/evaluation`, HotspotEvaluationViewSchema, {
        signal,
      }),
    enabled,
    retry: false,
  });
}

export function useChangeHotspot(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (change: Record<string, unknown>) =>
      apiFetch(`/api/hotspots/${encodeURIComponent(id)}`, HotspotDetailViewSchema, {
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
      apiFetch(`/api/hotspots/${encodeURIComponent(hotspotId)}/actions`, ActionDetailSchema, {
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
      apiFetch('/api/suggested-actions', SuggestedActionListSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

export type { AgencyOption } from '@hotspot/contracts';

export function useAgencies() {
  return useQuery({
    queryKey: ['agencies'],
    queryFn: ({ signal }) => apiFetch('/api/agencies', AgencyOptionListSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}
