import type { z } from '@hono/zod-openapi';
import { findPersonalDataInNote } from '@hotspot/ingest';

/**
 * A text staff write for others in the partnership to read (a hotspot's name, reason and
 * problem-solving record, an action and its updates, a meeting's decisions): refused with a 422
 * naming the field when it looks like it identifies a person (a name after a title, an email, a
 * phone number, a date of birth, a number plate). The answer names the kind found, never the
 * text. Dates and postcodes are allowed: such notes need them for reviews and premises.
 * Example: `reason: staffNote(z.string().trim().min(3).max(2000)).optional()`
 */
export function staffNote(schema: z.ZodString): z.ZodString {
  return schema.superRefine((value, ctx) => {
    const kinds = findPersonalDataInNote(value);
    if (kinds.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `looks like it holds personal data (${kinds.join(', ')}); describe places and patterns, never people`,
      });
    }
  });
}
