import { type FormEvent, useId, useState } from 'react';
import { isApiProblem, PROBLEM_TYPES } from '../../api/api-problem.ts';
import { readSignInParams, signInPath } from '../../routing/return-path.ts';
import { navigate, useLocation } from '../../routing/router.tsx';
import { FormError } from '../../ui/notices.tsx';
import { useLogin } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';

const REASON_TEXT = {
  expired: 'Your session has ended. Sign in again to return to where you were.',
  'signed-out': 'You have signed out.',
} as const;

export function SignInPage() {
  const location = useLocation();
  const { next, reason } = readSignInParams(location.search);
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const emailId = useId();
  const passwordId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      {
        onSuccess: (result) => {
          if (result.enrolmentRequired) navigate(signInPath({ next }, '/sign-in/enrol'));
          else if (result.mfaRequired) navigate(signInPath({ next }, '/sign-in/factor'));
          else navigate(next ?? '/');
        },
      },
    );
  };

  const error = login.error;
  const wrongCredentials = isApiProblem(error) && error.type === PROBLEM_TYPES.unauthenticated;
  return (
    <AuthLayout title="Sign in">
      {reason && (
        <div className={`notice ${reason === 'expired' ? 'notice--warning' : ''}`} role="status">
          {REASON_TEXT[reason]}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        {wrongCredentials ? (
          <div className="form-error" role="alert">
            The email or password is not correct.
          </div>
        ) : (
          <FormError error={error} />
        )}
        <div className="field">
          <label htmlFor={emailId}>Email address</label>
          <input
            id={emailId}
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={passwordId}>Password</label>
          <input
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </AuthLayout>
  );
}
