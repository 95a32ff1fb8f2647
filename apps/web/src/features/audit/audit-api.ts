import { AuditPageSchema, AuditVerificationSchema } from '@hotspot/contracts';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';
import { type AuditFilters, auditApiParams } from './audit-filters.ts';

export type { AuditEvent, AuditPage, AuditVerification } from '@hotspot/contracts';

export const AUDIT_PAGE_SIZE = 50;

export function useAuditPage(filters: AuditFilters, cursor: string | null) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: ({ signal }) => {
      const params = auditApiParams(filters);
      params.set('limit', String(AUDIT_PAGE_SIZE));
      if (cursor) params.set('cursor', cursor);
      return apiFetch(`/api/audit?${params}`, AuditPageSchema, { signal });
    },
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
}

export function useVerifyAudit() {
  return useMutation({
    mutationFn: () => apiFetch('/api/audit/verify', AuditVerificationSchema),
  });
}

export function auditExportHref(filters: AuditFilters): string {
  const params = auditApiParams(filters).toString();
  return `/api/audit/export.csv${params ? `?${params}` : ''}`;
}
