import type { Role } from '@hotspot/contracts';
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';
import { APPROVALS_QUERY_KEY } from './approvals-api.ts';

export const AGENCY_KINDS = [
  'police',
  'council',
  'regulatory',
  'housing',
  'health',
  'education',
  'children',
  'voluntary',
  'other',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export interface AdminUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string };
  readonly disabled: boolean;
  readonly mfaEnrolled: boolean;
  /** False until the user redeems their enrolment link. */
  readonly passwordSet: boolean;
  /** A request for the analyst role waits for a second person. */
  readonly awaitingApproval: boolean;
  readonly createdAt: string;
}

/** The one-time link an admin hands over; the API answers it once and stores only a hash. */
export interface EnrolmentLink {
  readonly link: string;
  readonly code: string;
  readonly expiresAt: string;
  readonly emailed: boolean;
}

export type AdminUserWithEnrolment = AdminUser & { readonly enrolment: EnrolmentLink };

export interface Agency {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly kind: AgencyKind;
  readonly email: string | null;
}

export interface Settings {
  readonly suppressionK: number;
  readonly retentionMonths: number;
  readonly mfaRequired: boolean;
  /** Published lattice sizes, metres, smallest first (never under 100 m). */
  readonly publishedHexSizes: readonly number[];
}

export interface TaxonomyItem {
  readonly code: string;
  readonly label: string;
  readonly description: string | null;
  readonly retired: boolean;
}

export type TaxonomyKind = 'categories' | 'place-types';

export interface PoliceUkMapping {
  readonly mappings: readonly { readonly crimeType: string; readonly categoryCode: string }[];
}

const KEYS = {
  users: ['admin', 'users'],
  agencies: ['admin', 'agencies'],
  settings: ['admin', 'settings'],
  taxonomy: (kind: TaxonomyKind) => ['admin', 'taxonomy', kind],
  mapping: ['admin', 'police-uk-mapping'],
} as const;

export function useUsers() {
  return useQuery({
    queryKey: KEYS.users,
    queryFn: async ({ signal }) =>
      (await apiFetchUnparsed<{ users: AdminUser[] }>('/api/admin/users', { signal })).users,
  });
}

export function useAgencies() {
  return useQuery({
    queryKey: KEYS.agencies,
    queryFn: async ({ signal }) =>
      (await apiFetchUnparsed<{ agencies: Agency[] }>('/api/admin/agencies', { signal })).agencies,
  });
}

export function useSettings() {
  return useQuery({
    queryKey: KEYS.settings,
    queryFn: ({ signal }) => apiFetchUnparsed<Settings>('/api/admin/settings', { signal }),
  });
}

export function useTaxonomy(kind: TaxonomyKind) {
  return useQuery({
    queryKey: KEYS.taxonomy(kind),
    queryFn: async ({ signal }) =>
      (await apiFetchUnparsed<{ items: TaxonomyItem[] }>(`/api/admin/${kind}`, { signal })).items,
  });
}

export function usePoliceUkMapping() {
  return useQuery({
    queryKey: KEYS.mapping,
    queryFn: ({ signal }) =>
      apiFetchUnparsed<PoliceUkMapping>('/api/admin/police-uk-mapping', { signal }),
  });
}

/** A change through the API, then the lists it affects are fetched again. */
function useAdminMutation<TInput, TResult>(
  mutationFn: (input: TInput) => Promise<TResult>,
  invalidates: readonly QueryKey[],
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () =>
      Promise.all(invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  agencyCode: string;
}

export function useCreateUser() {
  return useAdminMutation(
    (user: NewUser) =>
      apiFetchUnparsed<AdminUserWithEnrolment>('/api/admin/users', { method: 'POST', json: user }),
    [KEYS.users, APPROVALS_QUERY_KEY],
  );
}

export function useResetPassword() {
  return useAdminMutation(
    (id: string) =>
      apiFetchUnparsed<AdminUserWithEnrolment>(
        `/api/admin/users/${encodeURIComponent(id)}/reset-password`,
        { method: 'POST' },
      ),
    [KEYS.users, APPROVALS_QUERY_KEY],
  );
}

export interface UserChange {
  name?: string;
  role?: Role;
  agencyCode?: string;
  disabled?: boolean;
}

export function useChangeUser() {
  return useAdminMutation(
    ({ id, change }: { id: string; change: UserChange }) =>
      apiFetchUnparsed<AdminUser>(`/api/admin/users/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.users, APPROVALS_QUERY_KEY],
  );
}

export function useResetSecondFactor() {
  return useAdminMutation(
    (id: string) =>
      apiFetchUnparsed<undefined>(`/api/admin/users/${encodeURIComponent(id)}/reset-mfa`, {
        method: 'POST',
      }),
    [KEYS.users],
  );
}

export interface NewAgency {
  code: string;
  name: string;
  kind: AgencyKind;
  email?: string | null;
}

export function useCreateAgency() {
  return useAdminMutation(
    (agency: NewAgency) =>
      apiFetchUnparsed<Agency>('/api/admin/agencies', { method: 'POST', json: agency }),
    [KEYS.agencies, KEYS.users],
  );
}

export function useChangeAgency() {
  return useAdminMutation(
    ({ id, change }: { id: string; change: Partial<Omit<NewAgency, 'code'>> }) =>
      apiFetchUnparsed<Agency>(`/api/admin/agencies/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.agencies, KEYS.users],
  );
}

export function useChangeSettings() {
  return useAdminMutation(
    (change: Partial<Settings>) =>
      apiFetchUnparsed<Settings>('/api/admin/settings', { method: 'PATCH', json: change }),
    // The header's "second factor not required" notice reads these.
    [KEYS.settings, ['auth', 'me'], ['partnership']],
  );
}

export function useAddTaxonomyItem(kind: TaxonomyKind) {
  return useAdminMutation(
    (item: { code: string; label: string; description?: string | null }) =>
      apiFetchUnparsed<TaxonomyItem>(`/api/admin/${kind}`, { method: 'POST', json: item }),
    [KEYS.taxonomy(kind)],
  );
}

export function useChangeTaxonomyItem(kind: TaxonomyKind) {
  return useAdminMutation(
    ({
      code,
      change,
    }: {
      code: string;
      change: { label?: string; description?: string | null; retired?: boolean };
    }) =>
      apiFetchUnparsed<TaxonomyItem>(`/api/admin/${kind}/${encodeURIComponent(code)}`, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.taxonomy(kind)],
  );
}

export function useSavePoliceUkMapping() {
  return useAdminMutation(
    (mapping: PoliceUkMapping) =>
      apiFetchUnparsed<PoliceUkMapping>('/api/admin/police-uk-mapping', {
        method: 'PUT',
        json: mapping,
      }),
    [KEYS.mapping],
  );
}
