import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { isApiProblem, PROBLEM_TYPES } from '../../api/api-problem.ts';
import { readSignInParams, signInPath } from '../../routing/return-path.ts';
import { navigate, useLocation } from '../../routing/router.tsx';
import { FormError } from '../../ui/notices.tsx';
import { useConfirmEnrolment, useStartEnrolment } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { AuthenticatorQr, RecoveryCodeList } from './authenticator-setup.tsx';
import { CodeField } from './code-field.tsx';

export function EnrolPage() {
  const location = useLocation();
  const { next } = readSignInParams(location.search);
  const start = useStartEnrolment();
  const confirm = useConfirmEnrolment();
  const [code, setCode] = useState('');
  const [stored, setStored] = useState(false);
  const storedId = useId();
  const started = useRef(false);

  const backToSignIn = (error: unknown) => {
    if (isApiProblem(error) && error.type === PROBLEM_TYPES.unauthenticated) {
      navigate(signInPath({ next, reason: 'expired' }), { replace: true });
    }
  };

  // Each start makes a new secret, so start exactly once per visit (StrictMode re-runs effects).
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    start.mutate(undefined, { onError: backToSignIn });
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    confirm.mutate(code.trim(), { onSuccess: () => navigate(next ?? '/'), onError: backToSignIn });
  };

  const enrolment = start.data;
  const confirmError = confirm.error;
  const codeError =
    isApiProblem(confirmError) && confirmError.type === PROBLEM_TYPES.validation
      ? (confirmError.fieldError('code') ?? confirmError.userMessage)
      : undefined;

  return (
    <AuthLayout title="Set up your authenticator app">
      <p>
        Your partnership requires a second factor. Use an authenticator app on your phone (for
        example Microsoft Authenticator or Google Authenticator).
      </p>
      {start.isPending && (
        <p role="status" className="page-status">
          Preparing your set-up…
        </p>
      )}
      <FormError error={start.error} />
      {enrolment && (
        <>
          <h2>1. Scan this QR code with the app</h2>
          <AuthenticatorQr qrCode={enrolment.qrCode} secret={enrolment.secret} />
          <h2>2. Store your recovery codes</h2>
          <p>
            Each code signs you in once if you lose your phone.{' '}
            <strong>They are shown only now.</strong> Print them or keep them in a password manager.
          </p>
          <RecoveryCodeList codes={enrolment.recoveryCodes} />
          <div className="field field--checkbox">
            <input
              id={storedId}
              type="checkbox"
              checked={stored}
              onChange={(e) => setStored(e.currentTarget.checked)}
            />
            <label htmlFor={storedId}>I have stored my recovery codes</label>
          </div>
          <h2>3. Enter the code the app shows</h2>
          <form onSubmit={submit} noValidate>
            {!codeError && <FormError error={confirmError} />}
            <CodeField
              label="6-digit code"
              hint="The code changes every 30 seconds."
              value={code}
              onChange={setCode}
              error={codeError}
            />
            <button
              type="submit"
              className="button button--primary"
              disabled={!stored || confirm.isPending}
            >
              {confirm.isPending ? 'Checking…' : 'Finish set-up'}
            </button>
            {!stored && (
              <p className="hint">Tick the box above once your recovery codes are safe.</p>
            )}
          </form>
        </>
      )}
    </AuthLayout>
  );
}
