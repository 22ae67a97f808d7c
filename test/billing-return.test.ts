/**
 * The sandbox provider's pages, through real HTML form posts: after paying or declining, and after
 * saving a card, the buyer is sent (303) to the session's success or cancel URL, as Stripe does.
 */
import { describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, until } from "./helpers.js";

const form = (url: string, body: string) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body, redirect: "manual" });
const secretOf = (url: string) => new URL(url).searchParams.get("secret");

describe("returning buyers", () => {
  it("sends a buyer who paid to the success URL and one who declined to the cancel URL", async () => {
    const server = await startTestServer();
    const { key } = await createTestAccount(server, "Returner");
    const open = async (input: string) =>
      (
        await server.gql(
          `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/starter"${input} }) { checkoutSession { id url } userErrors { message } } }`,
          undefined,
          key,
        )
      ).body.data.checkoutSessionCreate.checkoutSession;

    const own = await open(
      `, successUrl: "${server.url}/checkout/{CHECKOUT_SESSION_ID}/done?from=app", cancelUrl: "${server.url}/checkout/{CHECKOUT_SESSION_ID}/cancelled"`,
    );
    const paid = await form(own.url, "action=pay");
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${server.url}/checkout/${own.id}/done?from=app`);
    // A client's own return URL gets no page secret: this server's outcome page, reached that way, tells nothing.
    const page = await (await fetch(paid.headers.get("location")!)).text();
    expect(page).toContain("Thank you");
    expect(page).not.toContain("200 credits");

    const plain = await open("");
    const declined = await form(plain.url, "action=decline");
    expect(declined.status).toBe(303);
    // The default return page carries the secret, and with it shows the outcome.
    expect(declined.headers.get("location")).toBe(`${server.url}/checkout/${plain.id}/cancelled?secret=${secretOf(plain.url)}`);
    const outcome = await fetch(declined.headers.get("location")!);
    expect(outcome.headers.get("referrer-policy")).toBe("no-referrer");
    expect(outcome.headers.get("cache-control")).toBe("no-store");
    expect(await outcome.text()).toContain('data-status="DECLINED"');
    // A session that does not exist gets the same page as one without its secret.
    const unknown = await fetch(`${server.url}/checkout/cs_nope/done`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toBe(await (await fetch(`${server.url}/checkout/${plain.id}/done`)).text());
    await server.close();
  });

  it("saves a card on the sandbox's setup page, makes it the default and retries a past-due payment with it", async () => {
    const server = await startTestServer();
    const { key } = await createTestAccount(server, "Saver");
    await server.gql(`mutation { paymentMethodAttach(input: { token: "tok_chargeDeclined" }) { userErrors { code } } }`, undefined, key);
    await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key);
    const state = async () =>
      (await server.gql(`{ viewer { balance subscriptions { status } paymentMethods { label isDefault } } }`, undefined, key)).body.data.viewer;
    await until(state, (v) => v.subscriptions[0].status === "PAST_DUE");

    const { body } = await server.gql(
      `mutation { paymentMethodSetupCreate { paymentMethodSetup { id url status provider } userErrors { code } } }`,
      undefined,
      key,
    );
    const setup = body.data.paymentMethodSetupCreate.paymentMethodSetup;
    expect(setup).toMatchObject({
      status: "OPEN",
      provider: "sandbox",
      url: expect.stringMatching(new RegExp(`^${server.url}/sandbox/setup/${setup.id}\\?secret=[\\w-]{43}$`)),
    });
    // Without the secret the setup page is as for an unknown setup, and a POST saves nothing.
    expect((await fetch(`${server.url}/sandbox/setup/${setup.id}`)).status).toBe(404);
    expect((await form(`${server.url}/sandbox/setup/${setup.id}`, "action=save&token=tok_visa")).status).toBe(403);
    const pageHtml = await (await fetch(setup.url)).text();
    expect(pageHtml).toContain('<option value="tok_visa">');
    expect((await form(setup.url, "action=save&token=4242424242424242")).status).toBe(400);

    const saved = await form(setup.url, "action=save&token=tok_visa");
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`${server.url}/checkout/${setup.id}/done?secret=${secretOf(setup.url)}`);
    expect(await (await fetch(saved.headers.get("location")!)).text()).toContain('data-status="COMPLETED"');
    expect(await (await fetch(`${server.url}/checkout/${setup.id}/done`)).text()).not.toContain("data-status");
    // The fields of one query are separate reads: wait for the paid period on both.
    const after = await until(state, (v) => v.balance === "500" && v.subscriptions[0].status === "ACTIVE");
    expect(after).toEqual({
      balance: "500",
      subscriptions: [{ status: "ACTIVE" }],
      paymentMethods: [
        { label: "visa (sandbox)", isDefault: true },
        { label: "chargeDeclined (sandbox)", isDefault: false },
      ],
    });
    await server.close();
  });

  it("answers a held-up off-session charge by hand on the sandbox's page, as the README says", async () => {
    const server = await startTestServer();
    const { key } = await createTestAccount(server, "Patient");
    await server.gql(`mutation { paymentMethodAttach(input: { token: "tok_chargeDelayed" }) { userErrors { code } } }`, undefined, key);
    await server.gql(`mutation { subscriptionCreate(input: { planId: "creatify/plans/api-starter" }) { userErrors { code } } }`, undefined, key);
    const { body } = await server.gql(`{ viewer { checkoutSessions(status: OPEN) { nodes { id purpose url } } } }`, undefined, key);
    const [session] = body.data.viewer.checkoutSessions.nodes;
    expect(session.purpose).toBe("SUBSCRIPTION");
    // Its url is the sandbox's page, secret included: the key holder can answer it.
    expect(session.url).toMatch(new RegExp(`^${server.url}/sandbox/checkout/${session.id}\\?secret=[\\w-]{43}$`));
    const page = await fetch(session.url);
    expect(await page.text()).toContain('value="pay"');
    expect((await form(session.url, "action=pay")).status).toBe(303);
    const after = await server.gql(`{ viewer { balance subscriptions { status } } }`, undefined, key);
    expect(after.body.data.viewer).toEqual({ balance: "500", subscriptions: [{ status: "ACTIVE" }] });
    await server.close();
  });
});
