/**
 * Rate limiting per API key and per client address, with rate-limiter-flexible. A limit of
 * `perSecond` with bursts of `burst` is a window of `burst / perSecond` seconds (at least one)
 * allowing `burst` requests: the average stays at `perSecond`, a burst may spend the window at once.
 * Windows live in this process's memory (RateLimiterMemory); one store for several nodes can be
 * given instead (e.g. rate-limiter-flexible's Redis limiter), with the same decisions.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface RateLimitSettings {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once (the window's size). */
  burst: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Requests the window allows. */
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Seconds until the window starts again (the IETF draft's RateLimit-Reset). */
  resetSeconds: number;
  /** When refused: seconds until a request is allowed again (Retry-After); 0 otherwise. */
  retryAfterSeconds: number;
}

export type RateLimitScope = "key" | "address";

/** Builds the limiter of one scope; the default keeps its windows in memory. */
export type LimiterFactory = (scope: RateLimitScope, options: { points: number; duration: number; keyPrefix: string }) => RateLimiterAbstract;

const inMemory: LimiterFactory = (_scope, options) => new RateLimiterMemory(options);

class Limiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly limit: number;

  constructor(scope: RateLimitScope, settings: RateLimitSettings, factory: LimiterFactory) {
    this.limit = settings.burst;
    const duration = Math.max(1, Math.ceil(settings.burst / settings.perSecond));
    this.limiter = factory(scope, { points: settings.burst, duration, keyPrefix: `rate-${scope}` });
  }

  async take(key: string): Promise<RateDecision> {
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await this.limiter.consume(key);
    } catch (refusal) {
      // The library rejects with the window's state when it is spent, and with an Error when its store failed.
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      result = refusal;
      allowed = false;
    }
    const resetSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
    return { allowed, limit: this.limit, remaining: Math.max(0, result.remainingPoints), resetSeconds, retryAfterSeconds: allowed ? 0 : resetSeconds };
  }
}

/** The per-key and per-address limits together; either may be off. */
export class RateLimits {
  private readonly perKey: Limiter | null;
  private readonly perAddress: Limiter | null;

  constructor(settings: { perKey: RateLimitSettings | null; perAddress: RateLimitSettings | null } | undefined, factory: LimiterFactory = inMemory) {
    this.perKey = settings?.perKey ? new Limiter("key", settings.perKey, factory) : null;
    this.perAddress = settings?.perAddress ? new Limiter("address", settings.perAddress, factory) : null;
  }

  get keyLimited(): boolean {
    return this.perKey !== null;
  }

  get addressLimited(): boolean {
    return this.perAddress !== null;
  }

  /**
   * Takes one request from each limit that applies, the key's first (a refusal there spends none
   * of the address's). Returns the decision to report: a refusal, else the limit with fewer
   * requests left. Null when no limit applies to this caller.
   */
  async take(key: string | null, address: string | null): Promise<(RateDecision & { scope: RateLimitScope }) | null> {
    const byKey = this.perKey && key !== null ? { ...(await this.perKey.take(key)), scope: "key" as const } : null;
    if (byKey && !byKey.allowed) return byKey;
    const byAddress = this.perAddress && address !== null ? { ...(await this.perAddress.take(address)), scope: "address" as const } : null;
    if (!byKey || !byAddress) return byKey ?? byAddress;
    return byAddress.remaining < byKey.remaining || !byAddress.allowed ? byAddress : byKey;
  }
}
