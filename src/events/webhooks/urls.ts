/**
 * Where webhooks may be sent: no SSRF into the operator's network. A URL is checked when an
 * endpoint is saved and its host's addresses again at each send, on the very addresses the
 * connection then uses (a name that resolved to a public address yesterday may not today).
 * An IPv6 address that carries an IPv4 one (mapped, compatible, 6to4, NAT64, Teredo) is judged by
 * the IPv4 address too: the network would deliver it there.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { badInput } from "../../errors.js";

export interface UrlPolicy {
  /** Only https (NODE_ENV=production). */
  requireHttps: boolean;
  /** Loopback, private (RFC 1918, CGNAT, ULA, site-local) addresses allowed: local receivers (WEBHOOK_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
}

/** Refused unless private addresses are allowed. */
const privateRanges = new BlockList();
for (const [net, prefix] of [
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
] as const) {
  privateRanges.addSubnet(net, prefix, "ipv4");
}
privateRanges.addAddress("::1", "ipv6");
privateRanges.addSubnet("fc00::", 7, "ipv6");
// Site-local (deprecated, still routed inside some networks) and local-use NAT64 (RFC 8215: the operator's own translator).
privateRanges.addSubnet("fec0::", 10, "ipv6");
privateRanges.addSubnet("64:ff9b:1::", 48, "ipv6");

/** Never a receiver, whatever the configuration: "this network", link-local (the cloud metadata address 169.254.169.254), multicast, reserved. */
const neverRanges = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["169.254.0.0", 16],
  ["192.0.0.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  neverRanges.addSubnet(net, prefix, "ipv4");
}
neverRanges.addAddress("::", "ipv6");
neverRanges.addSubnet("fe80::", 10, "ipv6");
neverRanges.addSubnet("ff00::", 8, "ipv6");

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const GROUP = /^[0-9a-f]{1,4}$/;

/**
 * The eight 16-bit groups of an IPv6 address in any textual form (RFC 4291: `::` compression,
 * a dotted IPv4 tail, any case) with or without a zone id; null when it is not one.
 */
export function ipv6Groups(text: string): number[] | null {
  let rest = text.toLowerCase().replace(/%.*$/, "");
  const tail: number[] = [];
  const lastColon = rest.lastIndexOf(":");
  if (lastColon < 0) return null;
  const dotted = IPV4.exec(rest.slice(lastColon + 1));
  if (rest.includes(".")) {
    const octets = dotted?.slice(1).map(Number);
    if (!octets || octets.some((octet) => octet > 255)) return null;
    tail.push((octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]);
    // "…::" keeps its compression; a single ":" before the IPv4 part only separated it.
    rest = rest.slice(0, rest.endsWith("::", lastColon + 1) ? lastColon + 1 : lastColon);
  }
  const halves = rest.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]);
  const after = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (![...head, ...after].every((group) => GROUP.test(group))) return null;
  const written = head.length + after.length + tail.length;
  // "::" stands for at least one zero group; without it all eight are written.
  if (halves.length === 2 ? written > 7 : written !== 8) return null;
  const zeros = new Array<number>(8 - written).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...(halves.length === 2 ? zeros : []), ...after.map((g) => parseInt(g, 16)), ...tail];
}

const dottedQuad = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join(".");

/** The IPv4 addresses an IPv6 address carries, each with the kind of address that carries it. */
function embeddedIPv4(g: number[]): Array<{ ipv4: string; kind: string }> {
  const zeroUpTo = (end: number) => g.slice(0, end).every((group) => group === 0);
  const last = dottedQuad(g[6], g[7]);
  // ::/128 (unspecified) and ::1 (loopback) are IPv6's own, not IPv4-compatible addresses.
  if (zeroUpTo(6) && (g[6] !== 0 || g[7] > 1)) return [{ ipv4: last, kind: "IPv4-compatible" }];
  if (zeroUpTo(5) && g[5] === 0xffff) return [{ ipv4: last, kind: "IPv4-mapped" }];
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return [{ ipv4: last, kind: "IPv4-translated" }];
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return [{ ipv4: last, kind: "NAT64" }];
  // Local-use NAT64: the common /96 layout, the IPv4 address in the last 32 bits (the prefix is private besides).
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return [{ ipv4: last, kind: "local-use NAT64" }];
  if (g[0] === 0x2002) return [{ ipv4: dottedQuad(g[1], g[2]), kind: "6to4" }];
  // Teredo (RFC 4380): the relay server's IPv4 address, then the client's, inverted.
  if (g[0] === 0x2001 && g[1] === 0) {
    return [
      { ipv4: dottedQuad(g[2], g[3]), kind: "Teredo server" },
      { ipv4: dottedQuad(g[6] ^ 0xffff, g[7] ^ 0xffff), kind: "Teredo client" },
    ];
  }
  return [];
}

/** Why an address may not be sent to, or null when it may. */
export function refusedAddress(address: string, policy: UrlPolicy): string | null {
  const never = `${address} is a link-local, unspecified or reserved address`;
  const notPrivate = policy.allowPrivate ? null : `${address} is a loopback or private address`;
  if (isIP(address) === 4) return neverRanges.check(address, "ipv4") ? never : privateRanges.check(address, "ipv4") ? notPrivate : null;
  const groups = ipv6Groups(address);
  // Not an address this check understands: refused rather than guessed at.
  if (!groups) return `${address} is not an IP address`;
  const full = groups.map((group) => group.toString(16)).join(":");
  let refusal = neverRanges.check(full, "ipv6") ? never : privateRanges.check(full, "ipv6") ? notPrivate : null;
  for (const { ipv4, kind } of embeddedIPv4(groups)) {
    if (refusal === never) break;
    const carrying = `${address} (${kind}, carrying ${ipv4})`;
    if (neverRanges.check(ipv4, "ipv4")) refusal = `${carrying} is a link-local, unspecified or reserved address`;
    else if (!policy.allowPrivate && privateRanges.check(ipv4, "ipv4")) refusal ??= `${carrying} is a loopback or private address`;
  }
  return refusal;
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
