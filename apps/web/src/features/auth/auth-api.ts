import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../../api/api-fetch.ts';
import { ME_QUERY_KEY } from '../../api/query-client.ts';
import { type LoginResult, type Me, type MfaEnrolment, parseMe } from '../../api/types.ts';

// The sign-in steps answer 401 for a wrong password or an expired pending session; the
// pages handle that themselves instead of the global "session ended" redirect.
const OWN_401 = { handlesUnauthenticated: true } as const;

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: OWN_401,
    mutationFn: (body: { email: string; password: string }) =>
      apiFetch<LoginResult>('/api/auth/login', { method: 'POST', json: body }),
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
    mutationFn: async (code: string) =>
      parseMe(await apiFetch<unknown>('/api/auth/mfa', { method: 'POST', json: { code } })),
    onSuccess: signedIn,
  });
}

export function useStartEnrolment() {
  return useMutation({
    meta: OWN_401,
    mutationFn: () => apiFetch<MfaEnrolment>('/api/auth/mfa/enrol', { method: 'POST' }),
  });
}

export function useConfirmEnrolment() {
  const signedIn = useSignedIn();
  return useMutation({
    meta: OWN_401,
    mutationFn: async (code: string) =>
      parseMe(
        await apiFetch<unknown>('/api/auth/mfa/enrol/confirm', { method: 'POST', json: { code } }),
      ),
    onSuccess: signedIn,
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: OWN_401,
    mutationFn: () => apiFetch<undefined>('/api/auth/logout', { method: 'POST' }),
    onSettled: () => queryClient.clear(),
  });
}

/** The form behind an enrolment link (POST /api/enrolment/start); the code is the credential. */
export interface EnrolmentForm {
  readonly email: string;
  readonly name: string;
  readonly secondFactor: {
    readonly secret: string;
    readonly otpauthUri: string;
    readonly qrCode: string;
  } | null;
  readonly awaitingApproval: boolean;
}

export interface EnrolmentDone {
  readonly email: string;
  readonly recoveryCodes: readonly string[];
  readonly awaitingApproval: boolean;
}

export function useOpenEnrolmentLink() {
  return useMutation({
    mutationFn: (token: string) =>
      apiFetch<EnrolmentForm>('/api/enrolment/start', { method: 'POST', json: { token } }),
  });
}

export function useCompleteEnrolmentLink() {
  return useMutation({
    mutationFn: (body: { token: string; password: string; code?: string }) =>
      apiFetch<EnrolmentDone>('/api/enrolment/complete', { method: 'POST', json: body }),
  });
}
