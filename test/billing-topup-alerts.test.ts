/** Payment methods, automatic top-up and low-credit alerts (delivered to a real SMTP server in-process). */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../src/clock.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";
import { rawRow } from "./stores.js";

interface Mail {
  to: string[];
  raw: string;
}
const received: Mail[] = [];
let smtp: SMTPServer;
let server: TestServer;
const clock = new ManualClock(new Date());

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk) => (raw += chunk));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  server = await startTestServer({ clock, billing: { smtpUrl: `smtp://127.0.0.1:${port}` } });
});
afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function newAccount(credits: string) {
  const { accountId, key } = await createTestAccount(server, "Runner", credits);
  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const result = await server.gql(query, variables, key);
    expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
    return result.body.data;
  };
  return { accountId, gql };
}

const attach = (token: string, makeDefault = false) =>
  `mutation { paymentMethodAttach(input: { token: "${token}", makeDefault: ${makeDefault} }) { paymentMethod { id label isDefault provider } userErrors { field code message } } }`;
const job = (credits: string) => `mutation { jobCreate(input: { credits: "${credits}" }) { job { id } userErrors { code } } }`;

describe("payment methods", () => {
  it("attaches provider tokens (never card numbers), keeps one default, detaches", async () => {
    const { gql } = await newAccount("0");
    const first = (await gql(attach("tok_visa"))).paymentMethodAttach.paymentMethod;
    expect(first).toMatchObject({ label: "visa (sandbox)", isDefault: true, provider: "sandbox" });
    const second = (await gql(attach("tok_mastercard"))).paymentMethodAttach.paymentMethod;
    expect(second.isDefault).toBe(false);

    for (const token of ["4242 4242 4242 4242", "4242424242424242"]) {
      const refused = (await gql(attach(token))).paymentMethodAttach;
      expect(refused.userErrors).toEqual([
        { field: ["input", "token"], code: "BAD_USER_INPUT", message: "Send the payment provider's token, never a card number" },
      ]);
    }
    expect((await gql(attach("visa"))).paymentMethodAttach.userErrors[0].code).toBe("BAD_USER_INPUT");

    await gql(`mutation ($id: ID!) { paymentMethodSetDefault(input: { paymentMethodId: $id }) { userErrors { code } } }`, { id: second.id });
    expect((await gql(`{ viewer { paymentMethods { id isDefault } } }`)).viewer.paymentMethods).toEqual([
      { id: second.id, isDefault: true },
      { id: first.id, isDefault: false },
    ]);
    await gql(`mutation ($id: ID!) { paymentMethodDetach(input: { paymentMethodId: $id }) { paymentMethod { detachedAt } } }`, { id: second.id });
    expect((await gql(`{ viewer { paymentMethods { id isDefault } } }`)).viewer.paymentMethods).toEqual([{ id: first.id, isDefault: true }]);

    const stranger = await newAccount("0");
    const foreign = await stranger.gql(`mutation ($id: ID!) { paymentMethodDetach(input: { paymentMethodId: $id }) { userErrors { code } } }`, {
      id: first.id,
    });
    expect(foreign.paymentMethodDetach.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("auto top-up", () => {
  const settings = `autoTopUp { enabled thresholdCredits inFlight consecutiveFailures nextAttemptAt lastError pack { id } }`;

  it("needs a default payment method, a threshold and a pack", async () => {
    const { gql } = await newAccount("0");
    const update = (input: string) => gql(`mutation { autoTopUpUpdate(input: { ${input} }) { ${settings} userErrors { field code message } } }`);
    expect((await update(`enabled: true, thresholdCredits: "50", packId: "ugen/packs/starter"`)).autoTopUpUpdate.userErrors[0].message).toMatch(
      /payment method/,
    );
    await gql(attach("tok_visa"));
    expect((await update(`enabled: true, packId: "ugen/packs/starter"`)).autoTopUpUpdate.userErrors[0].field).toEqual(["input", "thresholdCredits"]);
    expect((await update(`enabled: true, thresholdCredits: "50", packId: "ugen/packs/nope"`)).autoTopUpUpdate.userErrors[0].code).toBe("NOT_FOUND");
  });

  it("buys the pack once when a reserve leaves credits below the threshold", async () => {
    const { gql, accountId } = await newAccount("100");
    await gql(attach("tok_visa"));
    const enabled = await gql(
      `mutation { autoTopUpUpdate(input: { enabled: true, thresholdCredits: "50", packId: "ugen/packs/starter" }) { ${settings} userErrors { code } } }`,
    );
    expect(enabled.autoTopUpUpdate.autoTopUp).toMatchObject({ enabled: true, thresholdCredits: "50", inFlight: false, pack: { id: "ugen/packs/starter" } });

    // Two jobs in a row take the account below 50: only one top-up starts.
    await gql(job("60"));
    await gql(job("10"));
    const sessions = await waitFor(async () => {
      const { viewer } = await gql(`{ viewer { available checkoutSessions { nodes { purpose status url } } } }`);
      return viewer.checkoutSessions.nodes.every((s: any) => s.status === "COMPLETED") && viewer.checkoutSessions.nodes.length > 0 && viewer;
    }, "the top-up to complete");
    expect(sessions.checkoutSessions.nodes).toEqual([{ purpose: "AUTO_TOP_UP", status: "COMPLETED", url: null }]);
    expect(sessions.available).toBe("230");
    expect((await gql(`{ viewer { ${settings} } }`)).viewer.autoTopUp).toMatchObject({ inFlight: false, consecutiveFailures: 0 });
    expect((await server.audit()).filter((p) => p.includes(accountId))).toEqual([]);
  });

  it("records a declined card and retries only after a growing backoff, never in a loop", async () => {
    const { gql } = await newAccount("100");
    await gql(attach("tok_chargeDeclined"));
    await gql(`mutation { autoTopUpUpdate(input: { enabled: true, thresholdCredits: "50", packId: "ugen/packs/starter" }) { userErrors { code } } }`);
    await gql(job("60"));
    const failed = await waitFor(async () => {
      const { viewer } = await gql(`{ viewer { ${settings} } }`);
      return viewer.autoTopUp.consecutiveFailures === 1 && viewer.autoTopUp;
    }, "the failed top-up");
    expect(failed).toMatchObject({ inFlight: false, lastError: "card declined", nextAttemptAt: new Date(clock.now().getTime() + 60_000).toISOString() });

    // More spending during the backoff starts nothing.
    await gql(job("5"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sessionsDuringBackoff = (await gql(`{ viewer { checkoutSessions { nodes { status } } } }`)).viewer.checkoutSessions.nodes;
    expect(sessionsDuringBackoff).toEqual([{ status: "DECLINED" }]);

    // After the backoff the sweeper tries again; a second failure waits five minutes.
    clock.advance(60_001);
    await server.app.services.billing.sweep();
    const second = await waitFor(async () => {
      const { viewer } = await gql(`{ viewer { ${settings} } }`);
      return viewer.autoTopUp.consecutiveFailures === 2 && viewer.autoTopUp;
    }, "the second failure");
    expect(second.nextAttemptAt).toBe(new Date(clock.now().getTime() + 5 * 60_000).toISOString());
    expect((await gql(`{ viewer { balance checkoutSessions { nodes { status } } } }`)).viewer).toEqual({
      balance: "100",
      checkoutSessions: { nodes: [{ status: "DECLINED" }, { status: "DECLINED" }] },
    });
  });
});

describe("credit alerts", () => {
  it("emails once per crossing below the threshold and re-arms when credits rise above it", async () => {
    const { gql, accountId } = await newAccount("100");
    const set = await gql(`mutation { creditAlertUpdate(input: { enabled: true, thresholdCredits: "50", email: "ops@example.com" }) {
      creditAlert { enabled thresholdCredits email armed } userErrors { code } } }`);
    expect(set.creditAlertUpdate.creditAlert).toEqual({ enabled: true, thresholdCredits: "50", email: "ops@example.com", armed: true });
    const mine = () => received.filter((mail) => mail.to.includes("ops@example.com"));

    await gql(job("60")); // 40 available: crossing
    await waitFor(async () => mine().length === 1, "the first alert");
    await gql(job("10")); // 30: still below, no second email
    await gql(job("5"));
    await server.app.services.billing.mailer.deliverPending();
    expect(mine()).toHaveLength(1);
    expect(mine()[0].raw).toContain("Subject: Your ugen credits are below 50");
    expect(mine()[0].raw).toContain(`Account ${accountId} has 40 ugen credits available`);

    // Back above the threshold re-arms; the next fall below alerts again.
    await server.gql(
      `mutation ($id: ID!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: "100", reason: "top" }) { userErrors { code } } }`,
      { id: accountId },
      { "x-api-key": TEST_ADMIN_KEY },
    );
    expect((await gql(`{ viewer { creditAlert { armed } } }`)).viewer.creditAlert.armed).toBe(true);
    await gql(job("90"));
    await waitFor(async () => mine().length === 2, "the second alert");
    const outbox = async () => {
      const row = await rawRow<{ n: unknown; sent: unknown }>(
        server.store,
        "select count(*) as n, count(sent_at) as sent from email_outbox where account_id = ?",
        accountId,
      );
      return [Number(row!.n), Number(row!.sent)];
    };
    // The outbox marks a message sent once the SMTP server has answered: a moment after it arrived.
    await waitFor(async () => (await outbox())[1] === 2, "both marked sent");
    expect(await outbox()).toEqual([2, 2]);
  });

  it("alerts once when turned on while credits are already below the threshold", async () => {
    const { gql, accountId } = await newAccount("20");
    const turnOn = `mutation { creditAlertUpdate(input: { enabled: true, thresholdCredits: "50", email: "late@example.com" }) { creditAlert { armed lastAlertAt } } }`;
    const set = await gql(turnOn);
    expect(set.creditAlertUpdate.creditAlert).toMatchObject({ armed: false, lastAlertAt: expect.any(String) });
    const mine = () => received.filter((mail) => mail.to.includes("late@example.com"));
    await waitFor(async () => mine().length === 1, "the alert at turning on");
    expect(mine()[0].raw).toContain(`Account ${accountId} has 20 ugen credits available`);
    // Saving the same settings again, or spending more, is the same fall: no second email.
    await gql(turnOn);
    await gql(job("5"));
    await server.app.services.billing.mailer.deliverPending();
    expect(mine()).toHaveLength(1);
  });

  it("refuses bad settings", async () => {
    const { gql } = await newAccount("0");
    const update = async (input: string) =>
      (await gql(`mutation { creditAlertUpdate(input: { ${input} }) { creditAlert { enabled } userErrors { field code } } }`)).creditAlertUpdate.userErrors;
    // No credits yet: the alert must say whose credits it watches.
    expect(await update(`enabled: true, thresholdCredits: "10", email: "a@b.co"`)).toEqual([{ field: ["input", "provider"], code: "BAD_USER_INPUT" }]);
    expect(await update(`provider: "nobody", enabled: true, thresholdCredits: "10", email: "a@b.co"`)).toEqual([
      { field: ["input", "provider"], code: "NOT_FOUND" },
    ]);
    expect(await update(`provider: "ugen", enabled: true, thresholdCredits: "10", email: "not-an-email"`)).toEqual([
      { field: ["input", "email"], code: "BAD_USER_INPUT" },
    ]);
    expect(await update(`provider: "ugen", enabled: true, email: "a@b.co"`)).toEqual([{ field: ["input", "thresholdCredits"], code: "BAD_USER_INPUT" }]);
    expect(await update(`provider: "ugen", enabled: true, thresholdCredits: "-1", email: "a@b.co"`)).toEqual([
      { field: ["input", "thresholdCredits"], code: "BAD_USER_INPUT" },
    ]);
  });
});
