import {
  BoundaryCollectionSchema,
  type BoundaryKind,
  MeSchema,
  PartnershipSchema,
} from '@hotspot/contracts';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './api-fetch.ts';
import { ME_QUERY_KEY } from './query-client.ts';

export function useMe() {
  return useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: ({ signal }) => apiFetch('/api/auth/me', MeSchema, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function usePartnership() {
  return useQuery({
    queryKey: ['partnership'],
    queryFn: ({ signal }) => apiFetch('/api/partnership', PartnershipSchema, { signal }),
    staleTime: 5 * 60_000,
  });
}

export function useBoundaries(kind: BoundaryKind, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['boundaries', kind],
    queryFn: ({ signal }) =>
      apiFetch(`/api/boundaries?kind=${encodeURIComponent(kind)}`, BoundaryCollectionSchema, {
        signal,
      }),
    staleTime: 30 * 60_000,
    enabled: options.enabled ?? true,
  });
}
