/**
 * Who may use the sandbox's pages and the outcome pages. A sandbox session or setup gets a random
 * page secret when it is opened; its page URL carries it in the query (`?secret=…`), as does the
 * default return URL the sandbox sends the buyer to. Without it the pages show nothing about the
 * session and a POST changes nothing. The query rather than the path: this server's request log
 * records paths only. The pages are sent with `Referrer-Policy: no-referrer`, so the URL does not
 * travel on in Referer headers, and `Cache-Control: no-store`.
 */
import { randomBytes } from "node:crypto";
import { sameSecret } from "../secrets.js";

export const PAGE_SECRET_PARAM = "secret";

/** Headers every sandbox and outcome page is sent with. */
export const PAGE_HEADERS = { "referrer-policy": "no-referrer", "cache-control": "no-store" } as const;

/** 32 random bytes, base64url. */
export function newPageSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Whether the secret given is the row's, in constant time whatever the lengths (both hashed
 * first). A row without one (opened before page secrets, or not the sandbox's) matches nothing.
 */
export function pageSecretMatches(stored: string | null, given: string | null): boolean {
  return Boolean(stored && given) && sameSecret(given!, stored!);
}

/** The URL with the page secret in its query. */
export function withPageSecret(url: string, secret: string): string {
  const withSecret = new URL(url);
  withSecret.searchParams.set(PAGE_SECRET_PARAM, secret);
  return withSecret.href;
}

/** The page secret a request's query (`?…` or "") carries, if any. */
export function pageSecretOf(search: string): string | null {
  return new URLSearchParams(search).get(PAGE_SECRET_PARAM);
}

/**
 * Why a browser's POST is refused as cross-site, or null. `Sec-Fetch-Site` must be `same-origin`
 * or `none` (`same-site` is refused too: a sibling subdomain has no business posting here), and
 * `Origin`, when sent, must be one this server's pages are served from: PUBLIC_URL's, where it
 * listens, or the request's own Host. A request with neither header (not a browser) is judged by
 * the secret alone.
 */
export function crossSiteRefusal(header: (name: string) => string | undefined, ownOrigins: readonly string[]): string | null {
  const site = header("sec-fetch-site")?.trim().toLowerCase();
  if (site !== undefined && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site is ${site}`;
  const origin = header("origin")?.trim();
  if (origin === undefined) return null;
  const host = header("host")?.trim();
  const own = new Set(ownOrigins.map(originOf));
  if (host) for (const scheme of ["http", "https"]) own.add(originOf(`${scheme}://${host}`));
  own.delete(null);
  return own.has(origin.toLowerCase()) ? null : `Origin ${origin} is not this server's`;
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
