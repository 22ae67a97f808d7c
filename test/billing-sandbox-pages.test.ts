/**
 * The sandbox's pages as a capability (issue 24): a page opens, and a form post changes anything,
 * only with the page secret its URL carries; browsers' cross-site posts are refused; refund and
 * dispute also need the admin key; the outcome pages tell nothing without the secret. Through a
 * real server, with the headers a browser or curl would send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { ...FORM, ...headers }, body, redirect: "manual" });

/** A creator pack (1000 credits for 45 USD) on the sandbox: its id and page URL (with the secret). */
async function open(buyer: TestAccount): Promise<{ id: string; url: string }> {
  const { body } = await server.gql(
    `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { id url } } }`,
    undefined,
    buyer.key,
  );
  return body.data.checkoutSessionCreate.checkoutSession;
}

async function state(buyer: TestAccount, sessionId: string) {
  const { body } = await server.gql(
    `query ($id: ID!) { viewer { balance } node(id: $id) { ... on CheckoutSession { status } } }`,
    { id: sessionId },
    buyer.key,
  );
  return { balance: body.data.viewer.balance, status: body.data.node.status };
}

/** The page's URL with its query replaced. */
const withQuery = (url: string, query: string) => `${url.split("?")[0]}${query}`;

describe("the sandbox checkout page", () => {
  it("shows nothing and changes nothing without its secret, refuses cross-site posts, and pays with the secret", async () => {
    const buyer = await createTestAccount(server, "Buyer");
    const session = await open(buyer);
    const secret = new URL(session.url).searchParams.get("secret")!;
    expect(secret).toMatch(/^[\w-]{43}$/);

    const page = await fetch(session.url);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const pageHtml = await page.text();
    expect(pageHtml).toContain("Pay 45 USD");
    expect(pageHtml).toContain(`<form method="post" action="/sandbox/checkout/${session.id}?secret=${secret}">`);

    // Without the secret, or with another, the page is the unknown session's.
    const unknown = await fetch(`${server.url}/sandbox/checkout/cs_000000000000000000000000`);
    const unknownHtml = await unknown.text();
    for (const query of ["", "?secret=", `?secret=${"A".repeat(43)}`, `?secret=${secret.slice(0, -1)}`]) {
      const stranger = await fetch(withQuery(session.url, query));
      expect(stranger.status).toBe(404);
      expect(stranger.headers.get("referrer-policy")).toBe("no-referrer");
      const strangerHtml = await stranger.text();
      expect(strangerHtml).toBe(unknownHtml.replace("cs_000000000000000000000000", session.id));
      expect(strangerHtml).not.toContain("Creator");
      expect(strangerHtml).not.toContain("45 USD");
    }

    const refusals: Array<[string, string, Record<string, string>]> = [
      ["no secret", withQuery(session.url, ""), {}],
      ["a wrong secret", withQuery(session.url, `?secret=${"A".repeat(43)}`), {}],
      ["another origin", session.url, { origin: "https://evil.example" }],
      ["an opaque origin", session.url, { origin: "null" }],
      ["Sec-Fetch-Site: cross-site", session.url, { "sec-fetch-site": "cross-site" }],
      ["Sec-Fetch-Site: same-site", session.url, { "sec-fetch-site": "same-site" }],
      ["this origin but Sec-Fetch-Site: cross-site", session.url, { origin: server.url, "sec-fetch-site": "cross-site" }],
    ];
    for (const [why, url, headers] of refusals) {
      for (const action of ["pay", "decline"]) {
        const answer = await post(url, `action=${action}`, headers);
        expect(answer.status, `${action} with ${why}`).toBe(403);
        expect(answer.headers.get("location")).toBeNull();
      }
      expect(await state(buyer, session.id), why).toEqual({ balance: "0", status: "OPEN" });
    }

    // No Origin, no Sec-Fetch-Site (curl, a test): the secret alone decides.
    const paid = await post(session.url, "action=pay");
    expect(paid.status).toBe(303);
    expect(await state(buyer, session.id)).toEqual({ balance: "1000", status: "COMPLETED" });
  });

  it("takes a browser's post from its own page (Origin this server's, Sec-Fetch-Site same-origin)", async () => {
    const buyer = await createTestAccount(server, "Browser");
    const session = await open(buyer);
    const declined = await post(session.url, "action=decline", { origin: server.url, "sec-fetch-site": "same-origin" });
    expect(declined.status).toBe(303);
    expect(await state(buyer, session.id)).toEqual({ balance: "0", status: "DECLINED" });
  });

  it("refunds and disputes only with the admin key as well as the secret", async () => {
    const victim = await createTestAccount(server, "Victim");
    const session = await open(victim);
    expect((await post(session.url, "action=pay")).status).toBe(303);
    expect(await state(victim, session.id)).toEqual({ balance: "1000", status: "COMPLETED" });
    const admin = { "x-api-key": TEST_ADMIN_KEY };

    // The stranger: a Dispute with the session's id took the wallet from 1000 to 0.
    const refusals: Array<[string, string, string, Record<string, string>]> = [
      ["the secret alone", session.url, "action=dispute", {}],
      ["the buyer's own key", session.url, "action=dispute", victim.key],
      ["a wrong admin key in the form", session.url, "action=refund&amount=45&admin_key=not-the-admin-key", {}],
      ["the admin key without the secret", withQuery(session.url, ""), "action=dispute", admin],
      ["the admin key, cross-site", session.url, "action=dispute", { ...admin, origin: "https://evil.example" }],
    ];
    for (const [why, url, body, headers] of refusals) {
      const answer = await post(url, body, headers);
      expect(answer.status, why).toBe(403);
      expect(await state(victim, session.id), why).toEqual({ balance: "1000", status: "COMPLETED" });
    }
    expect(await (await fetch(session.url)).text()).not.toContain("data-reversal");

    // The operator: the admin key in the form (a browser cannot set headers) or in X-API-Key.
    const refunded = await post(session.url, `action=refund&amount=22.5&admin_key=${TEST_ADMIN_KEY}`);
    expect(refunded.status).toBe(200);
    expect((await state(victim, session.id)).balance).toBe("500");
    const disputed = await post(session.url, "action=dispute", admin);
    expect(disputed.status).toBe(200);
    expect((await state(victim, session.id)).balance).toBe("0");
    expect(await (await fetch(session.url)).text()).toContain('data-reversal="DISPUTED"');
  });

  it("refuses the pages of a session opened before page secrets", async () => {
    const buyer = await createTestAccount(server, "Old");
    const session = await open(buyer);
    const row = (await server.store.reads.checkoutSessions.get(session.id))!;
    const { seq: _seq, ...old } = row;
    const id = "cs_opened_before_secrets";
    await server.store.transaction((tx) =>
      tx.checkoutSessions.insert({ ...old, id, providerSessionId: id, url: `${server.url}/sandbox/checkout/${id}`, pageSecret: null }),
    );
    for (const query of ["", "?secret=", `?secret=${new URL(session.url).searchParams.get("secret")}`]) {
      expect((await fetch(`${server.url}/sandbox/checkout/${id}${query}`)).status).toBe(404);
      expect((await post(`${server.url}/sandbox/checkout/${id}${query}`, "action=pay")).status).toBe(403);
    }
    expect((await server.store.reads.checkoutSessions.get(id))!.status).toBe("OPEN");
  });
});

describe("the outcome pages", () => {
  it("tell a stranger nothing; the default return URL carries the secret that shows the outcome", async () => {
    const buyer = await createTestAccount(server, "Returner");
    const session = await open(buyer);
    const paid = await post(session.url, "action=pay");
    const location = paid.headers.get("location")!;
    expect(paid.headers.get("referrer-policy")).toBe("no-referrer");
    expect(location).toBe(`${server.url}/checkout/${session.id}/done?secret=${new URL(session.url).searchParams.get("secret")}`);

    const own = await fetch(location);
    expect(own.headers.get("referrer-policy")).toBe("no-referrer");
    expect(own.headers.get("cache-control")).toBe("no-store");
    const ownHtml = await own.text();
    expect(ownHtml).toContain('data-status="COMPLETED"');
    expect(ownHtml).toContain("1000 credits");

    for (const how of ["done", "cancelled"]) {
      for (const query of ["", `?secret=${"A".repeat(43)}`]) {
        const stranger = await fetch(`${server.url}/checkout/${session.id}/${how}${query}`);
        expect(stranger.status).toBe(200);
        expect(stranger.headers.get("referrer-policy")).toBe("no-referrer");
        const strangerHtml = await stranger.text();
        for (const hidden of ["data-status", "Creator", "1000", "45", "USD", "card"]) expect(strangerHtml, `${how}${query}`).not.toContain(hidden);
        // The same page as for a session that does not exist.
        expect(strangerHtml).toBe(await (await fetch(`${server.url}/checkout/cs_nope/${how}${query}`)).text());
      }
    }
  });
});
