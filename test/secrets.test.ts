/**
 * Presented secrets are compared in constant time over fixed-length digests, so a wrong guess's
 * timing tells nothing of the expected secret, its length included: through a real server, every
 * comparison node:crypto's timingSafeEqual makes is watched and must be of two 32-byte digests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signSandboxPayload } from "../src/billing/sandbox-provider.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, TEST_METRICS_TOKEN, type TestServer } from "./helpers.js";

/** The byte lengths of each timingSafeEqual comparison made. */
const compared = vi.hoisted(() => [] as Array<[number, number]>);
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  const timingSafeEqual: typeof actual.timingSafeEqual = (a, b) => {
    compared.push([a.byteLength, b.byteLength]);
    return actual.timingSafeEqual(a, b);
  };
  return { ...actual, timingSafeEqual, default: { ...actual, timingSafeEqual } };
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => {
  compared.length = 0;
});

const metricsWith = (token: string) => fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });

describe("secrets", () => {
  it("the metrics token: one of another length is refused after a digest comparison, not before", async () => {
    for (const token of ["short-token", `${TEST_METRICS_TOKEN}-and-more`, TEST_METRICS_TOKEN.replace(/.$/, "x")]) {
      expect((await metricsWith(token)).status, token).toBe(401);
    }
    expect((await metricsWith(TEST_METRICS_TOKEN)).status).toBe(200);
    expect(compared).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });

  it("the admin key and account keys: compared as digests whatever their length", async () => {
    const { apiKey: accountKey } = await createTestAccount(server, "Holder");
    compared.length = 0;
    for (const key of ["adm_short", `${TEST_ADMIN_KEY}x`, `${accountKey}x`, accountKey.slice(0, -1) + (accountKey.endsWith("A") ? "B" : "A")]) {
      const { body } = await server.gql("{ viewer { id } }", undefined, { "x-api-key": key });
      expect(body.errors?.[0].extensions?.code, key).toBe("UNAUTHENTICATED");
    }
    // An account key with a letter more is not shaped like one: it is a guess at the admin key.
    expect(compared).toEqual([
      [32, 32],
      [32, 32],
      [32, 32],
      [32, 32],
    ]);
  });

  it("the sandbox's webhook signature: a wrong one refused after a digest comparison", async () => {
    const payload = JSON.stringify({ id: "evt_x", type: "checkout.completed", created: 0, data: { session_id: "cs_nope" } });
    const created = Math.floor(Date.now() / 1000);
    const forged = signSandboxPayload("not-the-secret", payload, created);
    const response = await fetch(`${server.url}/webhooks/sandbox`, {
      method: "POST",
      headers: { "content-type": "application/json", "sandbox-signature": forged },
      body: payload,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/signature mismatch/);
    expect(compared).toEqual([[32, 32]]);
  });
});
