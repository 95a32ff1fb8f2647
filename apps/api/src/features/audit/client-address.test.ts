import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './audit.ts';

function appWith(hops: number) {
  return new Hono<{ Bindings: { incoming: { socket: { remoteAddress: string } } } }>().get(
    '/',
    (c) => c.text(clientAddress(c, hops) ?? 'none'),
  );
}
const env = { incoming: { socket: { remoteAddress: '10.0.0.5' } } };

describe('client address', () => {
  it('is the socket address when no proxy is trusted, whatever the client claims', async () => {
    const response = await appWith(0).request(
      '/',
      { headers: { 'x-forwarded-for': '1.2.3.4' } },
      env,
    );
    expect(await response.text()).toBe('10.0.0.5');
  });

  it('is the address the trusted proxy saw, not one the client forged further left', async () => {
    const response = await appWith(1).request(
      '/',
      { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } },
      env,
    );
    expect(await response.text()).toBe('203.0.113.9');
  });

  it('falls back to the socket when the proxy header is missing', async () => {
    const response = await appWith(1).request('/', {}, env);
    expect(await response.text()).toBe('10.0.0.5');
  });
});
