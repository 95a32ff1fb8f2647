import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { PROBLEM, ProblemError, problemResponse } from './problem.ts';

// Connection-level failures (server down, restarting, socket closed) become 503 so clients
// can retry; everything else unexpected is a 500 that never carries the internal message.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (e instanceof Error && e.name === 'DatabaseUnavailableError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

const UNSUPPORTED =
  'This route does not accept a body of that Content-Type: send application/json (or, for uploads, a type the OpenAPI document lists).';

export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context): Response => {
    if (error instanceof ProblemError) {
      return problemResponse(c, error.kind, error.detail, error.extensions, error.headers);
    }
    if (error instanceof HTTPException) {
      if (error.status === 413) return problemResponse(c, PROBLEM.tooLarge, error.message);
      if (error.status === 400) return problemResponse(c, PROBLEM.badRequest, error.message);
      if (error.status === 401) return problemResponse(c, PROBLEM.unauthenticated);
      if (error.status === 403) return problemResponse(c, PROBLEM.forbidden, error.message);
      // The OpenAPI validators' media-type gate: a body of a type the route does not document.
      if (error.status === 415)
        return problemResponse(c, PROBLEM.unsupportedMediaType, UNSUPPORTED);
    }
    const requestId = c.get('requestId') as string | undefined;
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { requestId, err: { name: error.name, code: (error as { code?: unknown }).code } },
        'database unavailable',
      );
      return problemResponse(
        c,
        PROBLEM.databaseUnavailable,
        'Please try again shortly.',
        {},
        {
          'retry-after': '5',
        },
      );
    }
    // Only the error's type and stack go to the log: messages from the database can quote
    // values, and values can be record content.
    logger.error(
      {
        requestId,
        err: { name: error.name, stack: error.stack?.split('\n').slice(1, 8).join('\n') },
      },
      'unhandled error',
    );
    return problemResponse(c, PROBLEM.internal);
  };
}
