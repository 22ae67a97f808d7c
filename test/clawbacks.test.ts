/**
 * Clawbacks of purchases refunded or disputed, at the edges a reviewer found: claims made in
 * steps while jobs hold or release credits, refunds of consumptions between claims, expiry under
 * a hold, and refunds repaying debts. However the steps interleave, what is taken back (clawed now,
 * or owed and repaid) is exactly what was claimed of what the buyer had of the grant.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { auditAccount } from "../src/accounts/audit.js";
import { Decimal } from "../src/pricing/decimal.js";
import type { Store } from "../src/store/store.js";
import { createLedgerKit } from "./ledger-kit.js";
import { describeStore, openTestStore, rawRow, rawRun, storeAvailable } from "./stores.js";

const C = 1_000_000;

/** One store for the file; each scene is an account of its own. */
let store: Store;
beforeAll(async () => {
  if (!storeAvailable) return;
  store = await openTestStore();
});
afterAll(() => store?.close());

async function scene() {
  const kit = createLedgerKit<Store>({ jobTtlMs: 86_400_000, over: store });
  const accountId = await kit.account("claws");
  const buy = async (credits: number, extra: { expiresAt?: Date; priority?: number } = {}) =>
    (
      await kit.store.transaction((tx) =>
        kit.credits.purchase(
          tx,
          accountId,
          "ugen",
          {
            kind: "PAID",
            source: "CHECKOUT",
            sourceId: `cs_${credits}_${Math.random()}`,
            micros: credits * C,
            costMicros: credits * C,
            costCurrency: "USD",
            ...extra,
          },
          "buy",
        ),
      )
    ).grantId;
  const claw = async (grantId: string, credits: number, close = false) => {
    const [grant] = await kit.store.reads.grants.byIds([grantId]);
    await kit.store.transaction((tx) => kit.credits.clawBack(tx, grant, credits * C, close, "claw"));
  };
  const job = async (credits: number) =>
    (
      await kit.jobs.create(
        accountId,
        { micros: credits * C, productId: null, providerId: "ugen", estimate: null, describe: "a job" },
        { key: null, input: {} },
      )
    ).result.jobId;
  const wallet = async () => {
    const w = (await kit.store.reads.wallets.get(accountId, "ugen"))!;
    return { balance: w.balanceMicros / C, reserved: w.reservedMicros / C, owed: w.owedMicros / C };
  };
  const consumeOf = async (jobId: string) =>
    (await rawRow<{ id: string }>(kit.store, "select id from ledger_entries where job_id = ? and type = 'CONSUME'", jobId))!;
  const audit = () => auditAccount(kit.store.reads, accountId);
  return { kit, accountId, buy, claw, job, wallet, consumeOf, audit };
}

describeStore("clawbacks in steps", () => {
  it("takes no more than claimed when a held job is released between two claims", async () => {
    const s = await scene();
    const grant = await s.buy(100);
    const held = await s.job(50);
    await s.claw(grant, 60);
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 50, owed: 10 });
    await s.kit.jobs.fail(s.accountId, held, "failed");
    // The released 50 repay the grant's own debt first.
    expect(await s.wallet()).toEqual({ balance: 40, reserved: 0, owed: 0 });
    await s.claw(grant, 40, true);
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("takes no more than claimed when a consumption is refunded between two claims", async () => {
    const s = await scene();
    const grant = await s.buy(100);
    const spent = await s.job(100);
    await s.kit.jobs.complete(s.accountId, spent, null);
    await s.claw(grant, 50);
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 50 });
    await s.kit.credits.refund((await s.consumeOf(spent)).id, null, "refund");
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 0, owed: 0 });
    await s.claw(grant, 50, true);
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("owes nothing for held credits that expired unused", async () => {
    const s = await scene();
    const grant = await s.buy(100, { expiresAt: new Date(s.kit.clock.now().getTime() + 60_000) });
    const held = await s.job(50);
    s.kit.clock.advance(120_000);
    await s.kit.credits.expireDue();
    await s.claw(grant, 100, true);
    await s.kit.jobs.fail(s.accountId, held, "failed");
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("does not claim again what other credits already repaid (issue 24: owes 100, not 150)", async () => {
    const s = await scene();
    const grant = await s.buy(200); // 200 credits for 10 USD
    await s.kit.jobs.complete(s.accountId, await s.job(150), null);
    // 5 of 10 USD refunded: 100 claimed; 50 are left to take, the other 50 were used: owed.
    await s.claw(grant, 100);
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 50 });
    await s.buy(80);
    expect(await s.wallet()).toEqual({ balance: 30, reserved: 0, owed: 0 });
    // The rest refunded: of the 150 used, 50 are given back already; 100 are owed.
    await s.claw(grant, 100, true);
    expect(await s.wallet()).toEqual({ balance: 30, reserved: 0, owed: 100 });
    expect(await s.audit()).toEqual([]);
  });

  it("gives back to the grant that repaid a debt the credits refunded to the debtor, before a dispute closes it", async () => {
    const s = await scene();
    const bought = await s.buy(100);
    const spent = await s.job(100);
    // Half the payment refunded while the job holds all: 50 owed, the job then uses the 100.
    await s.claw(bought, 50);
    await s.kit.jobs.complete(s.accountId, spent, null);
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 50 });
    const promo = (await s.kit.credits.grant(s.accountId, "ugen", new Decimal(50), "promo")).result.grantId;
    expect(await s.wallet()).toEqual({ balance: 0, reserved: 0, owed: 0 });
    // The whole consumption refunded: of the 100 back, 50 are the promotional grant's, which paid the debt.
    await s.kit.credits.refund((await s.consumeOf(spent)).id, null, "refund");
    expect(await s.wallet()).toEqual({ balance: 100, reserved: 0, owed: 0 });
    await s.claw(bought, 50, true);
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
    const [grant] = await s.kit.store.reads.grants.byIds([promo]);
    expect({ remaining: grant.remainingMicros / C, used: grant.usedMicros / C }).toEqual({ remaining: 50, used: 0 });
    // The 50 left are spendable.
    await s.job(50);
  });

  it("gives back what another grant repaid when a disputed grant's consumption is refunded (issue 24, then the 150 refunded)", async () => {
    const s = await scene();
    const grant = await s.buy(200);
    const spent = await s.job(150);
    await s.kit.jobs.complete(s.accountId, spent, null);
    await s.claw(grant, 100);
    await s.buy(80);
    await s.claw(grant, 100, true);
    expect(await s.wallet()).toEqual({ balance: 30, reserved: 0, owed: 100 });
    // The 150 come back: 100 repay the disputed grant's debt, 50 go back to the 80 that repaid the rest.
    await s.kit.credits.refund((await s.consumeOf(spent)).id, null, "refund");
    expect(await s.wallet()).toEqual({ balance: 80, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("gives back, before a dispute, credits a refund left beside a repaid debt before give-backs existed", async () => {
    const s = await scene();
    const bought = await s.buy(100);
    const spent = await s.job(100);
    await s.claw(bought, 50);
    await s.kit.jobs.complete(s.accountId, spent, null);
    const promo = (await s.kit.credits.grant(s.accountId, "ugen", new Decimal(50), "promo")).result.grantId;
    // As the code before give-backs did: the refund leaves all 100 in the purchase's grant.
    const pair = await rawRow<{ micros: number }>(s.kit.store, "select micros from grant_repayments where debtor_id = ? and payer_id = ?", bought, promo);
    expect(Number(pair!.micros)).toBe(50 * C);
    await rawRun(s.kit.store, "delete from grant_repayments where debtor_id = ?", bought);
    await s.kit.credits.refund((await s.consumeOf(spent)).id, null, "refund");
    await rawRun(s.kit.store, "insert into grant_repayments (debtor_id, payer_id, micros) values (?, ?, ?)", bought, promo, 50 * C);
    expect((await s.kit.store.reads.grants.byIds([bought]))[0].remainingMicros).toBe(100 * C);
    await s.claw(bought, 50, true);
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 0, owed: 0 });
    expect((await s.kit.store.reads.grants.byIds([promo]))[0].remainingMicros).toBe(50 * C);
    expect(await s.audit()).toEqual([]);
  });

  it("gives back what another grant repaid of a debt for held credits when the job releases them", async () => {
    const s = await scene();
    const grant = await s.buy(100);
    const held = await s.job(100);
    await s.claw(grant, 50);
    await s.kit.credits.grant(s.accountId, "ugen", new Decimal(50), "promo");
    await s.claw(grant, 50, true);
    expect(await s.wallet()).toEqual({ balance: 100, reserved: 100, owed: 50 });
    // Nothing was used: the disputed grant's 100 leave, the promotional 50 stay.
    await s.kit.jobs.fail(s.accountId, held, "failed");
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 0, owed: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("gives credits back to a payer that was disputed since, where they repay its own debt", async () => {
    const s = await scene();
    const first = await s.buy(100);
    const held = await s.job(100);
    await s.claw(first, 50);
    const second = await s.buy(50); // repays the first grant's 50
    await s.claw(second, 50, true); // the 50 it spent repaying are owed now
    expect(await s.wallet()).toEqual({ balance: 100, reserved: 100, owed: 50 });
    // Nothing was used: 50 of the 100 released go back to the second grant and repay its debt.
    await s.kit.jobs.fail(s.accountId, held, "failed");
    expect(await s.wallet()).toEqual({ balance: 50, reserved: 0, owed: 0 });
    const [grant] = await s.kit.store.reads.grants.byIds([first]);
    expect({ remaining: grant.remainingMicros / C, repaid: grant.repaidMicros }).toEqual({ remaining: 50, repaid: 0 });
    expect(await s.audit()).toEqual([]);
  });

  it("repays another grant's debt from a refund only up to what the refund gave back", async () => {
    const s = await scene();
    await s.buy(100, { priority: 5 });
    const first = await s.job(10);
    await s.kit.jobs.complete(s.accountId, first, null);
    const disputed = await s.buy(100, { priority: 9 });
    const all = await s.job(100);
    await s.kit.jobs.complete(s.accountId, all, null);
    await s.claw(disputed, 100, true);
    expect(await s.wallet()).toEqual({ balance: 90, reserved: 0, owed: 100 });
    await s.kit.credits.refund((await s.consumeOf(first)).id, new Decimal(1), "one back");
    expect(await s.wallet()).toEqual({ balance: 90, reserved: 0, owed: 99 });
    expect(await s.audit()).toEqual([]);
  });
});
