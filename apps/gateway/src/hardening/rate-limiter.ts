/**
 * Token buckets keyed by caller (user id, else client address): each bucket holds up to
 * `burst` tokens and refills at `perSecond`; a request takes one. Idle full buckets are
 * forgotten, and the map never holds more than `maxKeys` callers.
 */
export interface RateLimitSettings {
  perSecond: number;
  burst: number;
  maxKeys?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until one token is back (when refused). */
  retryAfterSeconds: number;
  remaining: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.maxKeys = settings.maxKeys ?? 100_000;
  }

  take(key: string, cost = 1): RateDecision {
    const now = this.now();
    const { perSecond, burst } = this.settings;
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
      bucket.at = now;
      // Most recently used last: the oldest entries are the first to go when the map is full.
      this.buckets.delete(key);
    } else {
      bucket = { tokens: burst, at: now };
      this.evict(now);
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((cost - bucket.tokens) / perSecond))), remaining: 0 };
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(now: number): void {
    if (this.buckets.size < this.maxKeys) return;
    for (const [key, bucket] of this.buckets) {
      const full = bucket.tokens + ((now - bucket.at) / 1000) * this.settings.perSecond >= this.settings.burst;
      if (full || this.buckets.size >= this.maxKeys) this.buckets.delete(key);
      if (this.buckets.size < this.maxKeys * 0.9) break;
    }
  }
}
