/**
 * Token-bucket rate limiting, per API key and per client address. Buckets live in memory, bounded
 * in number: the least recently used one is dropped first (a dropped bucket simply starts full).
 */
export interface RateLimitSettings {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed in a burst (the bucket's size). */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The bucket's size: requests a caller may make at once. */
  limit: number;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** Seconds until the bucket is full again (the IETF draft's RateLimit-Reset). */
  resetSeconds: number;
  /** When refused: seconds until one request is allowed again (Retry-After); 0 otherwise. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
    private readonly maxBuckets = 100_000,
  ) {}

  take(key: string): RateDecision {
    const now = this.now();
    const { perSecond, burst } = this.settings;
    const bucket = this.buckets.get(key) ?? { tokens: burst, updatedAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    // Re-inserting keeps the map in least-recently-used order.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      limit: burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((burst - bucket.tokens) / perSecond),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }
}

export type RateLimitScope = "key" | "address";

/** The per-key and per-address limits together; either may be off. */
export class RateLimits {
  private readonly perKey: TokenBucketLimiter | null;
  private readonly perAddress: TokenBucketLimiter | null;

  constructor(settings: { perKey: RateLimitSettings | null; perAddress: RateLimitSettings | null } | undefined) {
    this.perKey = settings?.perKey ? new TokenBucketLimiter(settings.perKey) : null;
    this.perAddress = settings?.perAddress ? new TokenBucketLimiter(settings.perAddress) : null;
  }

  get keyLimited(): boolean {
    return this.perKey !== null;
  }

  get addressLimited(): boolean {
    return this.perAddress !== null;
  }

  /**
   * Takes one request from each bucket that applies, the key's first (a refusal there spends none
   * of the address's). Returns the decision to report: a refusal, else the bucket with fewer
   * requests left. Null when no limit applies to this caller.
   */
  take(key: string | null, address: string | null): (RateDecision & { scope: RateLimitScope }) | null {
    const byKey = this.perKey && key !== null ? { ...this.perKey.take(key), scope: "key" as const } : null;
    if (byKey && !byKey.allowed) return byKey;
    const byAddress = this.perAddress && address !== null ? { ...this.perAddress.take(address), scope: "address" as const } : null;
    if (!byKey || !byAddress) return byKey ?? byAddress;
    return byAddress.remaining < byKey.remaining || !byAddress.allowed ? byAddress : byKey;
  }
}
