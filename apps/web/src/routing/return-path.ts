/** Why the user is on the sign-in page; shown as a sentence there. */
export type SignInReason = 'expired' | 'signed-out';

/**
 * A return path is only ever a path in this app: "/map?z=12", never "//evil.example" or
 * "https://..." (an open redirect), and never back into the sign-in pages.
 */
export function safeReturnPath(value: string | null | undefined): string | undefined {
  if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return undefined;
  }
  // Control characters (a newline, say) have no place in a path and confuse header handling.
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20)) return undefined;
  if (value === '/sign-in' || value.startsWith('/sign-in/') || value.startsWith('/sign-in?')) {
    return undefined;
  }
  return value;
}

/** "/sign-in?next=...&reason=..." */
export function signInPath(
  options: { next?: string | undefined; reason?: SignInReason | undefined } = {},
  base = '/sign-in',
): string {
  const params = new URLSearchParams();
  const next = safeReturnPath(options.next);
  if (next && next !== '/') params.set('next', next);
  if (options.reason) params.set('reason', options.reason);
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export function readSignInParams(search: string): {
  next: string | undefined;
  reason: SignInReason | undefined;
} {
  const params = new URLSearchParams(search);
  const reason = params.get('reason');
  return {
    next: safeReturnPath(params.get('next')),
    reason: reason === 'expired' || reason === 'signed-out' ? reason : undefined,
  };
}
