import { type FormEvent, useEffect, useRef, useState } from 'react';
import { fieldError, TextField } from '../../ui/fields.tsx';
import { FormError } from '../../ui/notices.tsx';
import { useCompleteEnrolmentLink, useOpenEnrolmentLink } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { AuthenticatorQr, RecoveryCodeList } from './authenticator-setup.tsx';
import { CodeField } from './code-field.tsx';

/** The one-time code from the link's fragment (/enrol#CODE); the fragment never reaches a server. */
function tokenFromUrl(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1)).trim();
  } catch {
    return ''; // a mangled link: the page says it needs the link as received
  }
}

/**
 * The public page an enrolment link opens: the user chooses their own password (and sets up
 * their authenticator app where the partnership requires one). No session is started; they
 * sign in afterwards, once any pending approval is given.
 */
export function AccountEnrolPage() {
  // Read once (a pure initializer); wiped from the address bar after, so not kept in history.
  const [token] = useState(tokenFromUrl);
  useEffect(() => {
    if (window.location.hash)
      window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);
  const open = useOpenEnrolmentLink();
  const complete = useCompleteEnrolmentLink();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const opened = useRef(false);

  // Each opening makes a new authenticator secret: open exactly once (StrictMode re-runs effects).
  useEffect(() => {
    if (opened.current || !token) return;
    opened.current = true;
    open.mutate(token);
  });

  const form = open.data;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    complete.mutate({
      token,
      password,
      ...(form?.secondFactor ? { code: code.trim() } : {}),
    });
  };

  const done = complete.data;
  if (done) {
    return (
      <AuthLayout title="Your account is ready">
        {done.recoveryCodes.length > 0 && (
          <>
            <p>
              Each recovery code signs you in once if you lose your phone.{' '}
              <strong>They are shown only now.</strong> Print them or keep them in a password
              manager.
            </p>
            <RecoveryCodeList codes={done.recoveryCodes} />
          </>
        )}
        {done.awaitingApproval ? (
          <p role="status">
            Your password is set. Your account waits for a second administrator to approve it; you
            can sign in once they have.
          </p>
        ) : (
          <p role="status">
            Your password is set. <a href="/sign-in">Sign in</a> as {done.email}.
          </p>
        )}
      </AuthLayout>
    );
  }

  const e = complete.error;
  const tokenProblem = fieldError(open.error, 'token') ?? fieldError(e, 'token');
  return (
    <AuthLayout title="Set up your account">
      {!token && (
        <div className="form-error" role="alert">
          This page needs the link you were given. Open it exactly as you received it.
        </div>
      )}
      {tokenProblem ? (
        <div className="form-error" role="alert">
          {tokenProblem}
        </div>
      ) : (
        !form && <FormError error={open.error} />
      )}
      {open.isPending && (
        <p role="status" className="page-status">
          Opening your link…
        </p>
      )}
      {form && !tokenProblem && (
        <form onSubmit={submit} noValidate aria-label="Set up your account">
          <p>
            Welcome, {form.name}. Choose the password you will sign in with as{' '}
            <strong>{form.email}</strong>. Nobody else, not even an administrator, will know it.
          </p>
          {!fieldError(e, 'password') && !fieldError(e, 'code') && <FormError error={e} />}
          <TextField
            label="New password"
            hint="At least 12 characters, and not easy to guess: a few unrelated words work well."
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(ev) => setPassword(ev.currentTarget.value)}
            error={fieldError(e, 'password')}
            required
          />
          {form.secondFactor && (
            <>
              <h2>Set up your authenticator app</h2>
              <p>
                Your partnership requires a second factor. Scan this QR code with an authenticator
                app on your phone.
              </p>
              <AuthenticatorQr
                qrCode={form.secondFactor.qrCode}
                secret={form.secondFactor.secret}
              />
              <CodeField
                label="6-digit code"
                hint="The code the app shows; it changes every 30 seconds."
                value={code}
                onChange={setCode}
                error={fieldError(e, 'code')}
              />
            </>
          )}
          {form.awaitingApproval && (
            <p className="hint">
              Your account is for the analyst role, which a second administrator approves before you
              can sign in.
            </p>
          )}
          <button type="submit" className="button button--primary" disabled={complete.isPending}>
            {complete.isPending ? 'Saving…' : 'Set up my account'}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
