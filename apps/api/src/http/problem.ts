import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One entry of a validation problem: where (JSON pointer) and why. */
export interface ProblemFieldError {
  readonly pointer: string;
  readonly detail: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly [extension: string]: unknown;
}

/** Problem types are stable URNs; the web app branches on them, never on text. */
export const PROBLEM = {
  badRequest: { type: 'urn:problem:bad-request', title: 'Bad request', status: 400 },
  validation: { type: 'urn:problem:validation', title: 'The request is not valid', status: 422 },
  unauthenticated: {
    type: 'urn:problem:unauthenticated',
    title: 'Sign-in required',
    status: 401,
  },
  forbidden: { type: 'urn:problem:forbidden', title: 'Not allowed for your role', status: 403 },
  csrf: { type: 'urn:problem:csrf', title: 'Cross-site request refused', status: 403 },
  notFound: { type: 'urn:problem:not-found', title: 'Not found', status: 404 },
  methodNotAllowed: {
    type: 'urn:problem:method-not-allowed',
    title: 'Method not allowed',
    status: 405,
  },
  conflict: { type: 'urn:problem:conflict', title: 'Conflict', status: 409 },
  tooLarge: { type: 'urn:problem:too-large', title: 'Request too large', status: 413 },
  unsupportedMediaType: {
    type: 'urn:problem:unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
  },
  tooManyRequests: {
    type: 'urn:problem:too-many-requests',
    title: 'Too many attempts',
    status: 429,
  },
  internal: { type: 'urn:problem:internal', title: 'Internal server error', status: 500 },
  computeTooLong: {
    type: 'urn:problem:computation-too-long',
    title: 'The computation took too long',
    status: 503,
  },
  computeOutOfMemory: {
    type: 'urn:problem:computation-out-of-memory',
    title: 'The computation ran out of memory',
    status: 503,
  },
  computeBusy: {
    type: 'urn:problem:computation-busy',
    title: 'Too many computations are waiting',
    status: 503,
  },
  databaseUnavailable: {
    type: 'urn:problem:database-unavailable',
    title: 'The database is unavailable',
    status: 503,
  },
} as const;

export type ProblemKind = (typeof PROBLEM)[keyof typeof PROBLEM];

/** Throw anywhere in a handler; the error handler renders it as problem+json. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? kind.title);
  }
}

export function problemBody(
  kind: ProblemKind,
  requestId: string | undefined,
  detail?: string,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemBody {
  return {
    ...extensions,
    type: kind.type,
    title: kind.title,
    status: kind.status,
    ...(detail ? { detail } : {}),
    ...(requestId ? { instance: `urn:request:${requestId}` } : {}),
  };
}

export function problemResponse(
  c: Context,
  kind: ProblemKind,
  detail?: string,
  extensions: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {},
): Response {
  const body = problemBody(kind, c.get('requestId') as string | undefined, detail, extensions);
  // c.newResponse keeps headers set earlier on the context (e.g. x-request-id).
  return c.newResponse(JSON.stringify(body), kind.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...headers,
  });
}

/** Turns zod-style issues into RFC 6901 pointers, prefixed by where they came from. */
/**
 * One field's problem as a sentence by the field's name as sent: "reason is required" for the
 * messages our schemas write (lower case, to follow the name), "sizeMeters: Invalid input" for
 * library defaults; for the request part as a whole (an unknown key, a refinement) the message.
 */
export function fieldSentence(pointer: string, detail: string): string {
  const field = pointer.replace(/^\/(body|params|query|header)\/?/, '').replace(/^\/$/, '');
  if (!field) return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}`;
  return /^[a-z]/.test(detail) ? `${field} ${detail}` : `${field}: ${detail}`;
}

/** A validation problem's detail: every field's sentence, so a form can show one line. */
export function validationDetail(errors: readonly ProblemFieldError[]): string {
  return `${errors.map((e) => fieldSentence(e.pointer, e.detail)).join('; ')}.`;
}

export function toFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: '' | '/query' | '/params' | '/body' | '/header' = '',
): ProblemFieldError[] {
  return issues.map((issue) => ({
    pointer:
      `${prefix}/${issue.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`.replace(
        /\/$/,
        '',
      ) || '/',
    detail: issue.message,
  }));
}
