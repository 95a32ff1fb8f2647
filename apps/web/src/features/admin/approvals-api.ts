import { ApprovalDecisionSchema, ApprovalListSchema } from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';

export const APPROVALS_QUERY_KEY = ['approvals'] as const;

/** A request for the analyst role, waiting for a second person (GET /api/approvals). */
export type { Approval } from '@hotspot/contracts';

export function useApprovals() {
  return useQuery({
    queryKey: APPROVALS_QUERY_KEY,
    queryFn: ({ signal }) => apiFetch('/api/approvals', ApprovalListSchema, { signal }),
  });
}

export function useDecideApproval() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision }: { id: string; decision: 'approve' | 'refuse' }) =>
      apiFetch(`/api/approvals/${encodeURIComponent(id)}/${decision}`, ApprovalDecisionSchema, {
        method: 'POST',
      }),
    // The users list shows the new role and status (admins); chairs have no such list cached.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: APPROVALS_QUERY_KEY }),
        queryClient.invalidateQueries({ queryKey: ['admin', 'users'] }),
      ]),
  });
}
