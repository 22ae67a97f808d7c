/**
 * Where a buyer returns after a provider's payment page. A client may name its own pages
 * (`successUrl`, `cancelUrl`): http(s) only, on this server's origin or on an origin allowed by
 * CHECKOUT_RETURN_ORIGINS, so a checkout link can never be made to send buyers elsewhere. Without
 * them, this server's own pages show the session's outcome (/checkout/<id>/done, …/cancelled).
 * `{CHECKOUT_SESSION_ID}` in a URL is replaced by the session's id, as Stripe does with its own.
 */
import { badInput } from "../errors.js";

export const SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";
const MAX_URL_LENGTH = 2048;

export class ReturnUrls {
  constructor(
    /** This server's public base URL, e.g. https://api.example.com. */
    private readonly publicUrl: () => string,
    /** Other origins return URLs may point at, e.g. https://app.example.com. */
    private readonly allowedOrigins: readonly string[],
  ) {}

  /** Validates the URLs a client gave (null: the default pages), with the placeholder filled in. */
  check(sessionId: string, successUrl?: string | null, cancelUrl?: string | null) {
    return {
      successUrl: successUrl == null ? null : this.validate(sessionId, successUrl, "successUrl"),
      cancelUrl: cancelUrl == null ? null : this.validate(sessionId, cancelUrl, "cancelUrl"),
    };
  }

  success(session: { id: string; successUrl: string | null }): string {
    return session.successUrl ?? `${this.publicUrl()}/checkout/${session.id}/done`;
  }

  cancel(session: { id: string; cancelUrl: string | null }): string {
    return session.cancelUrl ?? `${this.publicUrl()}/checkout/${session.id}/cancelled`;
  }

  private validate(sessionId: string, given: string, field: string): string {
    const text = given.trim().replaceAll(SESSION_ID_PLACEHOLDER, sessionId);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw badInput(`${field} is not a URL: "${given}"`, [field]);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw badInput(`${field} must be an http(s) URL; got ${url.protocol}`, [field]);
    }
    if (url.username || url.password) throw badInput(`${field} must not carry credentials`, [field]);
    if (text.length > MAX_URL_LENGTH) throw badInput(`${field} is longer than ${MAX_URL_LENGTH} characters`, [field]);
    const allowed = [new URL(this.publicUrl()).origin, ...this.allowedOrigins];
    if (!allowed.includes(url.origin)) {
      throw badInput(`${field} must be on ${allowed.join(" or ")}; ${url.origin} is not allowed (the operator can add it to CHECKOUT_RETURN_ORIGINS)`, [field]);
    }
    return url.href;
  }
}

/** Parses CHECKOUT_RETURN_ORIGINS: comma-separated http(s) origins. Returns the problem, if any. */
export function parseOrigins(raw: string): string[] | string {
  const origins: string[] = [];
  for (const part of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    let url: URL | null = null;
    try {
      url = new URL(part);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.origin !== part.replace(/\/$/, "")) {
      return `CHECKOUT_RETURN_ORIGINS must be comma-separated origins such as https://app.example.com (no path); got "${part}"`;
    }
    origins.push(url.origin);
  }
  return origins;
}
