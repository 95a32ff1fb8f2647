import type { z } from '@hono/zod-openapi';
import { ProblemSchema } from '@hotspot/contracts';
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The usual error responses, spread into a route's `responses`. */
export const problemResponses = (...statuses: readonly number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: 'Problem details (RFC 9457)',
        content: { 'application/problem+json': { schema: ProblemSchema } },
      },
    ]),
  );

/**
 * A response whose body is JSON text made elsewhere (PostgreSQL's json_build_object, a cache),
 * typed as the JSON the route declares, so the handler needs no cast. `T` comes from the
 * handler's declared response.
 */
export function serialisedJson<T, S extends ContentfulStatusCode>(
  c: Context,
  text: string,
  status: S,
  headers: Readonly<Record<string, string>>,
): Response & TypedResponse<T, S, 'json'> {
  // The types cannot say that `text` is the JSON of a T; the test-mode response validator
  // (testing/response-validator.ts) parses it with the route's schema in every API test.
  return c.newResponse(text, status, headers) as Response & TypedResponse<T, S, 'json'>;
}

/** A route's required JSON request body: `request: { ...jsonBody(Schema) }`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});
