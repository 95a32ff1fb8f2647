import type { ProblemKind } from '@hotspot/contracts';
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

// The problem kinds are the wire's (packages/contracts): the web app branches on the same URNs.
export { PROBLEM, type ProblemKind } from '@hotspot/contracts';

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
