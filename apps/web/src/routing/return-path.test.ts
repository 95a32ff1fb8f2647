import { describe, expect, it } from 'vitest';
import { readSignInParams, safeReturnPath, signInPath } from './return-path.ts';

describe('safeReturnPath', () => {
  it('keeps paths within the app, query included', () => {
    expect(safeReturnPath('/map?c=52.3,-2.2&z=12')).toBe('/map?c=52.3,-2.2&z=12');
    expect(safeReturnPath('/admin/audit')).toBe('/admin/audit');
  });

  it.each([
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    'map',
    '',
    '/sign-in',
    '/sign-in?next=/map',
    '/sign-in/factor',
    '/map\n',
  ])('refuses %j', (value) => {
    expect(safeReturnPath(value)).toBeUndefined();
  });
});

describe('signInPath / readSignInParams', () => {
  it('round-trips the return path and the reason', () => {
    const path = signInPath({
      next: '/map?c=52.38,-2.25&z=13&layers=districts',
      reason: 'expired',
    });
    expect(path.startsWith('/sign-in?')).toBe(true);
    const parsed = readSignInParams(path.slice(path.indexOf('?')));
    expect(parsed).toEqual({ next: '/map?c=52.38,-2.25&z=13&layers=districts', reason: 'expired' });
  });

  it('omits a return path to the landing page and unknown reasons', () => {
    expect(signInPath({ next: '/' })).toBe('/sign-in');
    expect(readSignInParams('?reason=whatever&next=https://x.example')).toEqual({
      next: undefined,
      reason: undefined,
    });
  });
});
