import type { AgencyKind, PartnershipSettings, PoliceUkMapping, Role } from '@hotspot/contracts';

export type {
  AdminUser,
  AdminUserWithEnrolment,
  Agency,
  EnrolmentLink,
  PoliceUkMapping,
  TaxonomyItem,
} from '@hotspot/contracts';

import {
  AdminUserListSchema,
  AdminUserSchema,
  AdminUserWithEnrolmentSchema,
  AgencyListSchema,
  AgencySchema,
  NoContentSchema,
  PartnershipSettingsSchema,
  PoliceUkMappingSchema,
  TaxonomyItemListSchema,
  TaxonomyItemSchema,
} from '@hotspot/contracts';
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';
import { APPROVALS_QUERY_KEY } from './approvals-api.ts';

export { AGENCY_KINDS, type AgencyKind } from '@hotspot/contracts';

/** The one-time link an admin hands over; the API answers it once and stores only a hash. */

export type Settings = PartnershipSettings;

export type TaxonomyKind = 'categories' | 'place-types';

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
      (await apiFetch('/api/admin/users', AdminUserListSchema, { signal })).users,
  });
}

export function useAgencies() {
  return useQuery({
    queryKey: KEYS.agencies,
    queryFn: async ({ signal }) =>
      (await apiFetch('/api/admin/agencies', AgencyListSchema, { signal })).agencies,
  });
}

export function useSettings() {
  return useQuery({
    queryKey: KEYS.settings,
    queryFn: ({ signal }) => apiFetch('/api/admin/settings', PartnershipSettingsSchema, { signal }),
  });
}

export function useTaxonomy(kind: TaxonomyKind) {
  return useQuery({
    queryKey: KEYS.taxonomy(kind),
    queryFn: async ({ signal }) =>
      (await apiFetch(`/api/admin/${kind}`, TaxonomyItemListSchema, { signal })).items,
  });
}

export function usePoliceUkMapping() {
  return useQuery({
    queryKey: KEYS.mapping,
    queryFn: ({ signal }) =>
      apiFetch('/api/admin/police-uk-mapping', PoliceUkMappingSchema, { signal }),
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
      apiFetch('/api/admin/users', AdminUserWithEnrolmentSchema, { method: 'POST', json: user }),
    [KEYS.users, APPROVALS_QUERY_KEY],
  );
}

export function useResetPassword() {
  return useAdminMutation(
    (id: string) =>
      apiFetch(
        `/api/admin/users/${encodeURIComponent(id)}/reset-password`,
        AdminUserWithEnrolmentSchema,
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
      apiFetch(`/api/admin/users/${encodeURIComponent(id)}`, AdminUserSchema, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.users, APPROVALS_QUERY_KEY],
  );
}

export function useResetSecondFactor() {
  return useAdminMutation(
    (id: string) =>
      apiFetch(`/api/admin/users/${encodeURIComponent(id)}/reset-mfa`, NoContentSchema, {
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
      apiFetch('/api/admin/agencies', AgencySchema, { method: 'POST', json: agency }),
    [KEYS.agencies, KEYS.users],
  );
}

export function useChangeAgency() {
  return useAdminMutation(
    ({ id, change }: { id: string; change: Partial<Omit<NewAgency, 'code'>> }) =>
      apiFetch(`/api/admin/agencies/${encodeURIComponent(id)}`, AgencySchema, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.agencies, KEYS.users],
  );
}

export function useChangeSettings() {
  return useAdminMutation(
    (change: Partial<Settings>) =>
      apiFetch('/api/admin/settings', PartnershipSettingsSchema, { method: 'PATCH', json: change }),
    // The header's "second factor not required" notice reads these.
    [KEYS.settings, ['auth', 'me'], ['partnership']],
  );
}

export function useAddTaxonomyItem(kind: TaxonomyKind) {
  return useAdminMutation(
    (item: { code: string; label: string; description?: string | null }) =>
      apiFetch(`/api/admin/${kind}`, TaxonomyItemSchema, { method: 'POST', json: item }),
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
      apiFetch(`/api/admin/${kind}/${encodeURIComponent(code)}`, TaxonomyItemSchema, {
        method: 'PATCH',
        json: change,
      }),
    [KEYS.taxonomy(kind)],
  );
}

export function useSavePoliceUkMapping() {
  return useAdminMutation(
    (mapping: PoliceUkMapping) =>
      apiFetch('/api/admin/police-uk-mapping', PoliceUkMappingSchema, {
        method: 'PUT',
        json: mapping,
      }),
    [KEYS.mapping],
  );
}
