import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

// OWASP's argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
export const PRODUCTION_ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHashOptions {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export const MIN_PASSWORD_LENGTH = 12;

// Built once per process: the dictionaries are immutable after construction.
const strength = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

// @node-rs/argon2 exports Algorithm as a const enum; 2 is Argon2id.
const ARGON2ID = 2;

export function hashPassword(
  password: string,
  options: PasswordHashOptions = PRODUCTION_ARGON2,
): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...options });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export type PasswordCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** At least 12 characters and not guessable (zxcvbn score 3 or more), checked offline. */
export function checkPasswordStrength(
  password: string,
  userInputs: readonly string[] = [],
): PasswordCheck {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { ok: false, reason: `Passwords must be at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (password.length > 256)
    return { ok: false, reason: 'Passwords must be at most 256 characters.' };
  const result = strength.check(password, [...userInputs]);
  if (result.score < 3) {
    const hint = result.feedback.warning || result.feedback.suggestions[0];
    return {
      ok: false,
      reason: `This password is too easy to guess${hint ? `: ${hint}` : '.'}`,
    };
  }
  return { ok: true };
}
