/**
 * Where webhooks may be sent: no SSRF into the operator's network. A URL is checked when an
 * endpoint is saved and its host's addresses again at each send, on the very addresses the
 * connection then uses (a name that resolved to a public address yesterday may not today).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { badInput } from "../../errors.js";

export interface UrlPolicy {
  /** Only https (NODE_ENV=production). */
  requireHttps: boolean;
  /** Loopback, private (RFC 1918, CGNAT, ULA) addresses allowed: local receivers (WEBHOOK_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
}

/** Refused unless private addresses are allowed. */
const privateRanges = new BlockList();
for (const [net, prefix] of [["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["198.18.0.0", 15]] as const) {
  privateRanges.addSubnet(net, prefix, "ipv4");
}
privateRanges.addAddress("::1", "ipv6");
privateRanges.addSubnet("fc00::", 7, "ipv6");

/** Never a receiver, whatever the configuration: "this network", link-local (the cloud metadata address 169.254.169.254), multicast, reserved. */
const neverRanges = new BlockList();
for (const [net, prefix] of [["0.0.0.0", 8], ["169.254.0.0", 16], ["192.0.0.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4]] as const) {
  neverRanges.addSubnet(net, prefix, "ipv4");
}
neverRanges.addAddress("::", "ipv6");
neverRanges.addSubnet("fe80::", 10, "ipv6");
neverRanges.addSubnet("ff00::", 8, "ipv6");

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIPv4(address: string): string | null {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return null;
  if (match[1]) return match[1];
  const high = parseInt(match[2], 16);
  const low = parseInt(match[3], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/** Why an address may not be sent to, or null when it may. */
export function refusedAddress(address: string, policy: UrlPolicy): string | null {
  const v4 = isIP(address) === 6 ? embeddedIPv4(address) : null;
  const ip = v4 ?? address;
  const family = isIP(ip) === 4 ? "ipv4" : "ipv6";
  if (neverRanges.check(ip, family)) return `${address} is a link-local, unspecified or reserved address`;
  if (!policy.allowPrivate && privateRanges.check(ip, family)) return `${address} is a loopback or private address`;
  return null;
}

type Resolve = (host: string) => Promise<LookupAddress[]>;
const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/** Checks a URL an account gives (scheme, form, and where its host resolves); returns it normalized. */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy, resolve: Resolve = resolveAll): Promise<string> {
  const field = ["url"];
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput(`"${raw}" is not a URL`, field);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && !policy.requireHttps)) {
    throw badInput(policy.requireHttps ? "The URL must be https" : "The URL must be http or https", field);
  }
  if (url.username || url.password) throw badInput("The URL must not carry a user name or password", field);
  if (url.hash) throw badInput("The URL must not have a #fragment", field);
  if (url.href.length > 2000) throw badInput("The URL must be at most 2000 characters", field);
  const host = hostOf(url);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await resolve(host)).map((entry) => entry.address);
    } catch {
      throw badInput(`The URL's host ${host} does not resolve`, field);
    }
  }
  for (const address of addresses) {
    const why = refusedAddress(address, policy);
    if (why) throw badInput(`The URL must not point at this network: ${host === address ? why : `${host} resolves to ${why.replace(" is ", ", ")}`}`, field);
  }
  return url.href;
}

/**
 * A `lookup` for node:http that refuses to connect to a refused address: the check and the
 * connection use the same answer, so DNS rebinding between them gains nothing.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: object, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const why = refusedAddress(address, policy);
        if (why) return callback(Object.assign(new Error(`refused to connect to ${hostname}: ${why}`), { code: "EREFUSEDADDRESS" }), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/** For IP literals, which node:http connects to without a lookup. */
export function refusedLiteral(url: URL, policy: UrlPolicy): string | null {
  const host = hostOf(url);
  return isIP(host) ? refusedAddress(host, policy) : null;
}
