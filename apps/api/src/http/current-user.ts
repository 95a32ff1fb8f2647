import type { Context } from 'hono';
import type { AppEnv, SessionUser } from '../deps.ts';
import { PROBLEM, ProblemError } from './problem.ts';

/** The signed-in user; the access-policy middleware has already refused anonymous requests. */
export function currentUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user) throw new ProblemError(PROBLEM.unauthenticated);
  return user;
}
