import { RateLimiter } from './rate-limiter';

describe('rate limiter (token bucket per caller)', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('user:a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('user:a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(limiter.take('user:b').allowed).toBe(true);
    now += 500;
    expect(limiter.take('user:a').allowed).toBe(true);
    expect(limiter.take('user:a').allowed).toBe(false);
    now += 10_000;
    expect(limiter.take('user:a').remaining).toBe(2);
  });

  it('keeps at most maxKeys callers, forgetting the least recently seen', () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 100 }, () => 0);
    for (let i = 0; i < 1000; i += 1) limiter.take(`ip:${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.take('ip:999').allowed).toBe(false);
  });
});
