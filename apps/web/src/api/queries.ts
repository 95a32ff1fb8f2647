import { useQuery } from '@tanstack/react-query';
import { apiFetch } from './api-fetch.ts';
import { ME_QUERY_KEY } from './query-client.ts';
import { type BoundaryKind, parseBoundaries, parseMe, parsePartnership } from './types.ts';

export function useMe() {
  return useQuery({
    queryKey: ME_QUERY_KEY,
    queryFn: async ({ signal }) => parseMe(await apiFetch<unknown>('/api/auth/me', { signal })),
    staleTime: 5 * 60_000,
  });
}

export function usePartnership() {
  return useQuery({
    queryKey: ['partnership'],
    queryFn: async ({ signal }) =>
      parsePartnership(await apiFetch<unknown>('/api/partnership', { signal })),
    staleTime: 5 * 60_000,
  });
}

export function useBoundaries(kind: BoundaryKind, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['boundaries', kind],
    queryFn: async ({ signal }) =>
      parseBoundaries(
        await apiFetch<unknown>(`/api/boundaries?kind=${encodeURIComponent(kind)}`, { signal }),
      ),
    staleTime: 30 * 60_000,
    enabled: options.enabled ?? true,
  });
}
