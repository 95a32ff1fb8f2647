import { CLIENT_PROBLEM, PROBLEM } from '@hotspot/contracts/problem';

/**
 * Problem types the web app branches on (RFC 9457 `type`); never on the message text. The
 * server's and the client's own (network, unexpected response) both come from the wire contract.
 */
export const PROBLEM_TYPES = {
  unauthenticated: PROBLEM.unauthenticated.type,
  forbidden: PROBLEM.forbidden.type,
  validation: PROBLEM.validation.type,
  csrf: PROBLEM.csrf.type,
  conflict: PROBLEM.conflict.type,
  notFound: PROBLEM.notFound.type,
  tooManyRequests: PROBLEM.tooManyRequests.type,
  databaseUnavailable: PROBLEM.databaseUnavailable.type,
  network: CLIENT_PROBLEM.network.type,
  unexpectedResponse: CLIENT_PROBLEM.unexpectedResponse.type,
} as const;

export interface ProblemFieldError {
  readonly pointer: string;
  readonly detail: string;
}

/** An API error as the server described it (application/problem+json), or a network failure. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly type: string,
    readonly title: string,
    readonly status: number,
    readonly detail: string | undefined,
    readonly instance: string | undefined,
    readonly errors: readonly ProblemFieldError[],
  ) {
    super(detail ?? title);
  }

  is(type: (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES]): boolean {
    return this.type === type;
  }

  /** The message for one field, by JSON pointer suffix (e.g. "/body/email" -> "email"). */
  fieldError(field: string): string | undefined {
    // A list's item counts as its field (`/body/sizes/0` is about `sizes`).
    return this.errors.find((e) =>
      [`/body/${field}`, `/${field}`].some((p) => e.pointer === p || e.pointer.startsWith(`${p}/`)),
    )?.detail;
  }

  /** A sentence to show the user. */
  get userMessage(): string {
    return this.detail ?? this.title;
  }
}

export function isApiProblem(error: unknown): error is ApiProblem {
  return error instanceof ApiProblem;
}

export function isUnauthenticated(error: unknown): boolean {
  return isApiProblem(error) && error.type === PROBLEM_TYPES.unauthenticated;
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Parses a problem+json body defensively: a proxy may answer with anything. */
export function toApiProblem(body: unknown, status: number): ApiProblem {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const errors = Array.isArray(record.errors)
    ? record.errors.flatMap((e: unknown) => {
        if (typeof e !== 'object' || e === null) return [];
        const entry = e as Record<string, unknown>;
        const pointer = asString(entry.pointer);
        const detail = asString(entry.detail);
        return pointer !== undefined && detail !== undefined ? [{ pointer, detail }] : [];
      })
    : [];
  return new ApiProblem(
    asString(record.type) ?? PROBLEM_TYPES.unexpectedResponse,
    asString(record.title) ?? `The server answered ${status}`,
    typeof record.status === 'number' ? record.status : status,
    asString(record.detail),
    asString(record.instance),
    errors,
  );
}
