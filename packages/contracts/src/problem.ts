import { z } from 'zod';

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

/**
 * Problems the web app meets without the server saying so; never sent by the API. The web
 * branches on these URNs as on the server's.
 */
export const CLIENT_PROBLEM = {
  network: { type: 'urn:problem:network', title: 'The server could not be reached' },
  unexpectedResponse: {
    type: 'urn:problem:unexpected-response',
    title: 'Unexpected response from the server',
  },
} as const;

/** RFC 9457 problem details, as every API error is answered (application/problem+json). */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
    // Extension members (RFC 9457 section 3.2): these two the web branches on; others (a
    // cost ceiling's estimate, an upload's file errors, a retry delay) vary by problem type.
    code: z.string().optional().meta({ description: 'A stable reason, e.g. meeting-closed' }),
    allowed: z
      .array(z.string())
      .optional()
      .meta({ description: 'With code invalid-transition: the statuses allowed next' }),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;
