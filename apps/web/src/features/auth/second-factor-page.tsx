import { type FormEvent, useState } from 'react';
import { isApiProblem, PROBLEM_TYPES } from '../../api/api-problem.ts';
import { readSignInParams, signInPath } from '../../routing/return-path.ts';
import { Link, navigate, useLocation } from '../../routing/router.tsx';
import { FormError } from '../../ui/notices.tsx';
import { useSecondFactor } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { CodeField } from './code-field.tsx';

export function SecondFactorPage() {
  const location = useLocation();
  const { next } = readSignInParams(location.search);
  const secondFactor = useSecondFactor();
  const [code, setCode] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    secondFactor.mutate(code.trim(), {
      onSuccess: () => navigate(next ?? '/'),
      onError: (error) => {
        // The half-signed-in session expired or was never there: start again.
        if (isApiProblem(error) && error.type === PROBLEM_TYPES.unauthenticated) {
          navigate(signInPath({ next, reason: 'expired' }), { replace: true });
        }
      },
    });
  };

  const error = secondFactor.error;
  const codeError =
    isApiProblem(error) && error.type === PROBLEM_TYPES.validation
      ? (error.fieldError('code') ?? error.userMessage)
      : undefined;
  return (
    <AuthLayout title="Enter your code">
      <form onSubmit={submit} noValidate>
        {!codeError && <FormError error={error} />}
        <CodeField
          label="Code from your authenticator app"
          hint="Enter the 6-digit code, or one of your recovery codes if you do not have your device."
          value={code}
          onChange={setCode}
          error={codeError}
        />
        <button type="submit" className="button button--primary" disabled={secondFactor.isPending}>
          {secondFactor.isPending ? 'Checking…' : 'Continue'}
        </button>
      </form>
      <p className="aside">
        <Link href={signInPath({ next })}>Sign in as someone else</Link>
      </p>
    </AuthLayout>
  );
}
