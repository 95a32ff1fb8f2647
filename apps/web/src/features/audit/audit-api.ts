import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';
import { type AuditCategory, type AuditFilters, auditApiParams } from './audit-filters.ts';

export interface AuditEvent {
  readonly id: string;
  readonly occurredAt: string;
  readonly actorUserId: string | null;
  readonly actorRole: string | null;
  readonly actorAgency: string | null;
  readonly category: AuditCategory;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectId: string | null;
  readonly query: unknown;
  readonly outcome: string;
  readonly address: string | null;
  readonly requestId: string | null;
}

export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly nextCursor: string | null;
}

export type AuditVerification =
  | {
      readonly ok: true;
      readonly events: number;
      /** The checkpoint kept outside the database that the head was compared with. */
      readonly checkpoint: { readonly sequence: string; readonly at: string } | null;
    }
  | {
      readonly ok: false;
      /** The first missing or broken sequence. */
      readonly brokenAt: string;
      readonly problem: 'rewritten' | 'missing' | 'truncated' | 'unknown-key';
      /** A sentence saying what was found, e.g. "events after sequence 41 are missing: …". */
      readonly detail: string;
      readonly events: number;
    };

export const AUDIT_PAGE_SIZE = 50;

export function useAuditPage(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: ({ signal }) => {
      const params = auditApiParams(filters);
      params.set('limit', String(AUDIT_PAGE_SIZE));
      if (cursor) params.set('cursor', cursor);
      return apiFetchUnparsed<AuditPage>(`/api/audit?${params}`, { signal });
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useVerifyAudit() {
  return useMutation({
    mutationFn: () => apiFetchUnparsed<AuditVerification>('/api/audit/verify'),
  });
}

export function auditExportHref(filters: AuditFilters): string {
  const params = auditApiParams(filters).toString();
  return `/api/audit/export.csv${params ? `?${params}` : ''}`;
}
