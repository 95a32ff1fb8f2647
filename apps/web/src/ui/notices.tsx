import { type ApiProblem, isApiProblem, PROBLEM_TYPES } from '../api/api-problem.ts';

export function LoadingNotice({ what }: { what: string }) {
  return (
    <p className="page-status" role="status">
      Loading {what}…
    </p>
  );
}

function describe(error: unknown): string {
  if (!isApiProblem(error)) return 'Something went wrong. Reload the page to try again.';
  const problem: ApiProblem = error;
  switch (problem.type) {
    case PROBLEM_TYPES.forbidden:
      return 'Your role does not give access to this.';
    case PROBLEM_TYPES.databaseUnavailable:
      return 'The service is temporarily unavailable. Try again in a moment.';
    case PROBLEM_TYPES.network:
      return 'The server could not be reached. Check the connection and try again.';
    default:
      return problem.userMessage;
  }
}

export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  return (
    <div className="page-status page-status--error" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {describe(error)}
      </p>
    </div>
  );
}

/** A problem's message for a form: the field errors are shown beside their fields. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      {describe(error)}
    </div>
  );
}

export { describe as describeError };
