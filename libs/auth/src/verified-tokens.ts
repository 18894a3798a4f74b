/**
 * Tokens whose signature and claims were verified, kept until they expire: every request
 * carries the same bearer token (and the gateway's service token) again and again, and an
 * HMAC check with jose for each costs more than the rest of a small request's auth. A token is
 * only served from here while it has not expired and under the same secret it was verified
 * with; anything else is verified afresh.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; secret: string; expiresAt: number }>();

  constructor(private readonly capacity = 10_000) {}

  /** The verified value of `token`, when it was verified under `secret` and is not expired at `nowSeconds`. */
  get(token: string, secret: string, nowSeconds: number): T | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.secret !== secret || entry.expiresAt <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps a verified token until `expiresAt` (seconds since the epoch, its `exp`). */
  set(token: string, secret: string, expiresAt: number, value: T): void {
    if (this.entries.size >= this.capacity) {
      // The oldest first (a Map keeps insertion order).
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { value, secret, expiresAt });
  }
}
