import {
  EnrolmentDoneSchema,
  EnrolmentFormSchema,
  LoginResultSchema,
  type Me,
  MeSchema,
  MfaEnrolmentSchema,
  NoContentSchema,
} from '@hotspot/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';
import { ME_QUERY_KEY } from '../../api/query-client.ts';

// The sign-in steps answer 401 for a wrong password or an expired pending session; the
// pages handle that themselves instead of the global "session ended" redirect.
const OWN_401 = { handlesUnauthenticated: true } as const;

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: OWN_401,
    mutationFn: (body: { email: string; password: string }) =>
      apiFetch('/api/auth/login', LoginResultSchema, { method: 'POST', json: body }),
    // Whoever was signed in here before, nothing of theirs may linger in the cache.
    onSuccess: () => queryClient.clear(),
  });
}

function useSignedIn() {
  const queryClient = useQueryClient();
  return (me: Me) => {
    // A new user may be signing in on this screen: nothing of the last one may linger.
    queryClient.clear();
    queryClient.setQueryData(ME_QUERY_KEY, me);
  };
}

export function useSecondFactor() {
  const signedIn = useSignedIn();
  return useMutation({
    meta: OWN_401,
    mutationFn: (code: string) =>
      apiFetch('/api/auth/mfa', MeSchema, { method: 'POST', json: { code } }),
    onSuccess: signedIn,
  });
}

export function useStartEnrolment() {
  return useMutation({
    meta: OWN_401,
    mutationFn: () => apiFetch('/api/auth/mfa/enrol', MfaEnrolmentSchema, { method: 'POST' }),
  });
}

export function useConfirmEnrolment() {
  const signedIn = useSignedIn();
  return useMutation({
    meta: OWN_401,
    mutationFn: (code: string) =>
      apiFetch('/api/auth/mfa/enrol/confirm', MeSchema, { method: 'POST', json: { code } }),
    onSuccess: signedIn,
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: OWN_401,
    mutationFn: () => apiFetch('/api/auth/logout', NoContentSchema, { method: 'POST' }),
    onSettled: () => queryClient.clear(),
  });
}

/** The form behind an enrolment link (POST /api/enrolment/start); the code is the credential. */
export type { EnrolmentDone, EnrolmentForm } from '@hotspot/contracts';

export function useOpenEnrolmentLink() {
  return useMutation({
    mutationFn: (token: string) =>
      apiFetch('/api/enrolment/start', EnrolmentFormSchema, { method: 'POST', json: { token } }),
  });
}

export function useCompleteEnrolmentLink() {
  return useMutation({
    mutationFn: (body: { token: string; password: string; code?: string }) =>
      apiFetch('/api/enrolment/complete', EnrolmentDoneSchema, { method: 'POST', json: body }),
  });
}
