import { describe, expect, it } from 'vitest';
import { createTestClock } from '../testing/fixtures.ts';
import { TokenBucket } from './rate-limit.ts';

describe('token bucket', () => {
  it('grants the burst, then one token per interval, and says how long to wait', () => {
    const clock = createTestClock('2026-01-01T00:00:00Z');
    const bucket = new TokenBucket({ burst: 3, perMinute: 6, clock });
    expect([bucket.take('a'), bucket.take('a'), bucket.take('a')]).toEqual([0, 0, 0]);
    // Six a minute: the next token is ten seconds away.
    expect(bucket.take('a')).toBe(10);
    clock.advance(4000);
    expect(bucket.take('a')).toBe(6);
    clock.advance(6000);
    expect(bucket.take('a')).toBe(0);
    expect(bucket.take('a')).toBe(10);
    // Another user has a bucket of their own.
    expect(bucket.take('b')).toBe(0);
    // A long pause refills to the burst, no further.
    clock.advance(3_600_000);
    expect([bucket.take('a'), bucket.take('a'), bucket.take('a'), bucket.take('a')]).toEqual([
      0, 0, 0, 10,
    ]);
  });

  it('keeps at most maxKeys buckets, forgetting the longest idle (a full bucket again)', () => {
    const clock = createTestClock();
    const bucket = new TokenBucket({ burst: 1, perMinute: 1, clock, maxKeys: 2 });
    expect(bucket.take('a')).toBe(0);
    expect(bucket.take('b')).toBe(0);
    expect(bucket.take('c')).toBe(0);
    expect(bucket.take('c')).toBe(60);
    // 'a' was forgotten (idle longest), 'b' still remembers its empty bucket... until 'a' pushes it out.
    expect(bucket.take('a')).toBe(0);
    expect(bucket.take('c')).toBe(60);
  });
});
