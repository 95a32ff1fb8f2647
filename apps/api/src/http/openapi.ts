import { z } from '@hono/zod-openapi';
import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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
    code: z.string().optional().openapi({ description: 'A stable reason, e.g. meeting-closed' }),
    allowed: z
      .array(z.string())
      .optional()
      .openapi({ description: 'With code invalid-transition: the statuses allowed next' }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

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
