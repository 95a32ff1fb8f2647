import { useQuery } from '@tanstack/react-query';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';

export interface TaxonomyEntry {
  readonly code: string;
  readonly label: string;
}

export interface Taxonomy {
  readonly categories: readonly TaxonomyEntry[];
  readonly placeTypes: readonly TaxonomyEntry[];
  readonly agencies: readonly TaxonomyEntry[];
}

function entries(value: unknown): TaxonomyEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((e: Record<string, unknown>) =>
    typeof e?.code === 'string'
      ? [{ code: e.code, label: String(e.label ?? e.name ?? e.code) }]
      : [],
  );
}

/**
 * The partnership's categories, place types and agencies for the filter lists. Without them
 * (an API that does not serve the taxonomy to this role) those filters are simply not offered.
 */
export function useTaxonomy() {
  return useQuery({
    queryKey: ['taxonomy'],
    queryFn: async ({ signal }): Promise<Taxonomy> => {
      const r = await apiFetchUnparsed<Record<string, unknown>>('/api/taxonomy', { signal });
      return {
        categories: entries(r.categories),
        placeTypes: entries(r.placeTypes),
        agencies: entries(r.agencies),
      };
    },
    staleTime: 30 * 60_000,
    retry: false,
  });
}

/** The label for a code, or the code itself when the taxonomy is not known. */
export function labelFor(list: readonly TaxonomyEntry[] | undefined, code: string): string {
  return list?.find((e) => e.code === code)?.label ?? code;
}
