import { PROBLEM, ProblemError } from '../../http/problem.ts';

function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Runs a write and turns constraint violations into problems the admin can act on: a duplicate
 * becomes 409, a reference to something that does not exist 422 at `pointer`.
 */
export async function withConstraintProblems<T>(
  write: () => Promise<T>,
  messages: { duplicate: string; missingReference?: { pointer: string; detail: string } },
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const state = sqlState(error);
    if (state === '23505') throw new ProblemError(PROBLEM.conflict, messages.duplicate);
    if (state === '23503' && messages.missingReference) {
      throw new ProblemError(PROBLEM.validation, messages.missingReference.detail, {
        errors: [messages.missingReference],
      });
    }
    throw error;
  }
}
