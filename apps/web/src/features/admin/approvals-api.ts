import type { Role } from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';

export const APPROVALS_QUERY_KEY = ['approvals'] as const;

/** A request for the analyst role, waiting for a second person (GET /api/approvals). */
export interface Approval {
  readonly id: string;
  readonly user: {
    readonly id: string;
    readonly email: string;
    readonly name: string;
    readonly currentRole: Role;
    readonly disabled: boolean;
    readonly agency: { readonly code: string; readonly name: string };
  };
  readonly role: 'analyst';
  readonly reason: 'create' | 'role-change' | 're-enable' | 'credential-reset';
  readonly requestedBy: { readonly id: string; readonly name: string } | null;
  readonly requestedAt: string;
  /** False for the requester, who may only refuse (withdraw) it. */
  readonly mayApprove: boolean;
}

export function useApprovals() {
  return useQuery({
    queryKey: APPROVALS_QUERY_KEY,
    queryFn: ({ signal }) =>
      apiFetchUnparsed<{ mayDecide: boolean; approvals: Approval[] }>('/api/approvals', { signal }),
  });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'refuse' }) =>
      apiFetchUnparsed<{ id: string; outcome: 'approved' | 'refused' }>(
        `/api/approvals/${encodeURIComponent(id)}/${decision}`,
        { method: 'POST' },
      ),
    // The users list shows the new role and status (admins); chairs have no such list cached.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: APPROVALS_QUERY_KEY }),
        queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
      ]),
  });
}
