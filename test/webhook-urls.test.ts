/**
 * The webhook address guard below the API: IPv6 text in every form parses to the address the
 * operating system means (checked against node's own parser), and an IPv6 address carrying an
 * IPv4 one is judged by that IPv4 address. The API-level refusals are in webhooks.test.ts.
 */
import { BlockList } from "node:net";
import { describe, expect, it } from "vitest";
import { checkEndpointUrl, ipv6Groups, refusedAddress } from "../src/events/webhooks/urls.js";

const PRODUCTION = { requireHttps: true, allowPrivate: false };
const LOCAL = { requireHttps: false, allowPrivate: true };

/** Whether node (inet_pton) reads `text` as the address `groups`. */
function nodeReads(text: string, groups: number[]): boolean {
  const list = new BlockList();
  list.addAddress(text.replace(/%.*$/, ""), "ipv6");
  return list.check(groups.map((g) => g.toString(16)).join(":"), "ipv6");
}

/** The textual forms one address may take: full, zero-padded, compressed at each zero run, uppercase, a dotted IPv4 tail, a zone id. */
function spellings(groups: number[]): string[] {
  const hex = groups.map((g) => g.toString(16));
  const forms = [hex.join(":"), groups.map((g) => g.toString(16).padStart(4, "0")).join(":"), hex.join(":").toUpperCase() + "%eth0"];
  for (let start = 0; start < 8; start++) {
    for (let end = start + 1; end <= 8 && groups[end - 1] === 0; end++) forms.push(`${hex.slice(0, start).join(":")}::${hex.slice(end).join(":")}`);
  }
  const dotted = [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join(".");
  for (const form of [...forms]) {
    const colons = form.replace(/%.*$/, "").split(":");
    // The last two groups written as an IPv4 address, when they are written out (not inside a "::").
    if (colons.length >= 3 && colons.at(-1) !== "" && colons.at(-2) !== "") forms.push([...colons.slice(0, -2), dotted].join(":"));
  }
  return forms;
}

describe("IPv6 text", () => {
  it("parses every form of random and zero-rich addresses as node does", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 400; i++) {
      // Mostly zeros, so that compressions of every length and place come up.
      const groups = Array.from({ length: 8 }, () => (random() < 0.5 ? 0 : Math.floor(random() * 0x10000)));
      for (const text of spellings(groups)) {
        expect(ipv6Groups(text), text).toEqual(groups);
        expect(nodeReads(text, groups), text).toBe(true);
      }
    }
  });

  it("reads nothing from text that is not an IPv6 address", () => {
    for (const text of [
      "",
      "1.2.3.4",
      "1::2::3",
      ":::",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "1::2:3:4:5:6:7:8",
      "12345::",
      "g::",
      ":1::",
      "1::2:",
      "::1.2.3",
      "::1.2.3.256",
      "::1.2.3.4:5",
      "1.2.3.4::",
      "1:2:3:4:5:6:7:1.2.3.4",
    ]) {
      expect(ipv6Groups(text), text).toBeNull();
    }
  });
});

describe("addresses carrying an IPv4 address", () => {
  it("are refused as the IPv4 address they carry would be", () => {
    const loopback = [
      "::127.0.0.1",
      "::7f00:1",
      "::ffff:127.0.0.1",
      "::FFFF:7F00:1",
      "::ffff:0:7f00:1",
      "::ffff:0:127.0.0.1",
      "2002:7f00:1::",
      "2002:7f00:0001:0:0:0:0:1",
      "64:ff9b::7f00:1",
      "2001:0:4136:e378:8000:63bf:80ff:fffe",
    ];
    const privateOnes = ["::ffff:10.0.0.1", "2002:c0a8:101::", "64:ff9b::a00:1", "fec0::1", "FEC0::1%1", "64:ff9b:1::808:808", "feff::1"];
    const metadata = [
      "::169.254.169.254",
      "::ffff:a9fe:a9fe",
      "::ffff:0:a9fe:a9fe",
      "2002:a9fe:a9fe::",
      "64:ff9b::169.254.169.254",
      "64:ff9b:1::a9fe:a9fe",
      "2001:0:a9fe:a9fe::",
      "::ffff:0.0.0.0",
      "2002:e000:1::",
    ];
    for (const address of [...loopback, ...privateOnes]) {
      expect(refusedAddress(address, PRODUCTION), address).toMatch(/is a loopback or private address$/);
      expect(refusedAddress(address, LOCAL), address).toBeNull();
    }
    for (const address of metadata) {
      expect(refusedAddress(address, PRODUCTION), address).toMatch(/is a link-local, unspecified or reserved address$/);
      expect(refusedAddress(address, LOCAL), address).toMatch(/is a link-local, unspecified or reserved address$/);
    }
    expect(refusedAddress("2002:7f00:1::", PRODUCTION)).toBe("2002:7f00:1:: (6to4, carrying 127.0.0.1) is a loopback or private address");
  });

  it("lets public ones through, and keeps :: and ::1 IPv6's own", () => {
    for (const address of [
      "::ffff:8.8.8.8",
      "::ffff:0:808:808",
      "2002:808:808::1",
      "64:ff9b::8.8.8.8",
      "2606:4700:4700::1111",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    ]) {
      expect(refusedAddress(address, PRODUCTION), address).toBeNull();
    }
    expect(refusedAddress("::1", PRODUCTION)).toBe("::1 is a loopback or private address");
    expect(refusedAddress("::1", LOCAL)).toBeNull();
    expect(refusedAddress("::", LOCAL)).toBe(":: is a link-local, unspecified or reserved address");
  });

  it("refuses a host name that resolves to one", async () => {
    const resolve = async () => [{ address: "2002:a00:1::", family: 6 }];
    await expect(checkEndpointUrl("https://hooks.example/", PRODUCTION, resolve)).rejects.toThrow(
      "The URL must not point at this network: hooks.example resolves to 2002:a00:1:: (6to4, carrying 10.0.0.1), a loopback or private address",
    );
  });
});
