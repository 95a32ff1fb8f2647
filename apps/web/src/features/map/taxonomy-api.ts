import { type TaxonomyEntry, TaxonomySchema } from '@hotspot/contracts';
import { useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';

export type { Taxonomy, TaxonomyEntry } from '@hotspot/contracts';

/**
 * The partnership's categories, place types and agencies for the filter lists. Without them
 * (an API that does not serve the taxonomy to this role) those filters are simply not offered.
 */
export function useTaxonomy() {
  return useQuery({
    queryKey: ['taxonomy'],
    queryFn: ({ signal }) => apiFetch('/api/taxonomy', TaxonomySchema, { signal }),
    staleTime: 30 * 60_000,
    retry: false,
  });
}

/** The label for a code, or the code itself when the taxonomy is not known. */
export function labelFor(list: readonly TaxonomyEntry[] | undefined, code: string): string {
  return list?.find((e) => e.code === code)?.label ?? code;
}
