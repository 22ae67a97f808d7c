/**
 * Auto top-up: after a reserve or consume leaves available credits below the threshold, the chosen
 * pack is bought with the default payment method. At most one top-up is in flight (guard: the
 * claim is a conditional update, made in the transaction that opens its checkout session, so a
 * crash cannot leave a claim without its session); a failed charge is recorded and retried only
 * after a backoff (./top-up-state.ts).
 */
import { creditsToMicros } from "../accounts/credits.js";
import { providerOf } from "./purchased-grants.js";
import { randomHex } from "../ids.js";
import type { LedgerHooks, TransactionType } from "../accounts/ledger.js";
import type { BackgroundTasks } from "../background.js";
import { dueScope, type AccountTime, type TimeScope } from "../accounts/account-time.js";
import { badInput, DomainError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Decimal } from "../pricing/decimal.js";
import type { AutoTopUpRow } from "../store/repositories/index.js";
import type { Store } from "../store/store.js";
import type { CheckoutService } from "./checkout.js";
import type { PaymentMethodService } from "./payment-methods.js";
import { topUpFailed } from "./top-up-state.js";

export class AutoTopUpService implements LedgerHooks {
  constructor(
    private readonly store: Store,
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly time: AccountTime,
    private readonly logger: Logger,
    private readonly background: BackgroundTasks,
  ) {}

  get(accountId: string): Promise<AutoTopUpRow | undefined> {
    return this.store.reads.autoTopUps.get(accountId);
  }

  update(accountId: string, input: { enabled: boolean; thresholdCredits?: Decimal | null; packId?: string | null }): Promise<AutoTopUpRow | undefined> {
    return this.store.transaction(async (tx) => {
      // The account's lock orders this with a top-up being claimed (check() takes it too).
      await tx.accounts.lock(accountId);
      const current = await tx.autoTopUps.get(accountId);
      const threshold = input.thresholdCredits != null ? creditsToMicros(input.thresholdCredits, ["thresholdCredits"]) : current?.thresholdMicros;
      const packId = input.packId ?? current?.packId;
      if (packId) this.checkout.findPack(packId);
      if (input.enabled) {
        if (threshold === undefined) throw badInput("thresholdCredits is needed to turn auto top-up on", ["thresholdCredits"]);
        if (!packId) throw badInput("packId is needed to turn auto top-up on", ["packId"]);
        if (!(await this.paymentMethods.defaultMethod(accountId, tx))) throw badInput("Attach a payment method before turning auto top-up on", []);
      }
      if (!current && !input.enabled) return undefined;
      await tx.autoTopUps.save({
        accountId,
        enabled: input.enabled,
        thresholdMicros: threshold ?? 0,
        packId: packId ?? "",
        // Changing the settings starts over: no waiting on an earlier failure.
        consecutiveFailures: 0,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: this.time.server.now().toISOString(),
      });
      return tx.autoTopUps.get(accountId);
    });
  }

  afterCommit(accountId: string, _providerId: string, types: TransactionType[]): void {
    // Any wallet's spending is looked at: check() compares the wallet of the top-up pack's provider.
    if (!types.includes("RESERVE") && !types.includes("CONSUME") && !types.includes("EXPIRE")) return;
    // Runs on its own after the commit; shutdown waits for it.
    this.background.run("auto top-up check", () => this.check(accountId), { accountId });
  }

  /** Buys the pack when the account is below its threshold, nothing is in flight and no backoff is pending. */
  async check(accountId: string): Promise<boolean> {
    // Most accounts never turn top-up on: find that out from committed data, without a write.
    if (!(await this.get(accountId))?.enabled) return false;
    const opened = await this.store.transaction(async (tx) => {
      const settings = await tx.autoTopUps.get(accountId);
      if (!settings?.enabled || settings.inFlightSessionId) return null;
      if (settings.nextAttemptAt && settings.nextAttemptAt > (await this.time.now(accountId, tx)).toISOString()) return null;
      // The pack's provider's wallet is the one it refills (guard: that wallet's row lock).
      const wallet = await tx.wallets.lock(accountId, providerOf(settings.packId));
      if (wallet.balanceMicros - wallet.reservedMicros >= settings.thresholdMicros) return null;
      const method = await this.paymentMethods.defaultMethod(accountId, tx);
      if (!method) return null;
      const sessionId = `cs_${randomHex(12)}`;
      if (!(await tx.autoTopUps.claim(accountId, sessionId))) return null;
      try {
        const saved = { provider: method.provider, token: method.providerToken };
        const session = await this.checkout.open(tx, { accountId, packId: settings.packId, paymentType: "CARD", purpose: "AUTO_TOP_UP", sessionId, saved });
        return { session: session!, method };
      } catch (error) {
        // Not charged at all (e.g. the pack would pass the balance limit): a failure, with its backoff.
        if (!(error instanceof DomainError)) throw error;
        await topUpFailed(tx, this.time, accountId, sessionId, error.message);
        return null;
      }
    });
    if (!opened) return false;
    try {
      const customerId = opened.method.provider === "stripe" ? await this.paymentMethods.customerOf(accountId, "stripe") : null;
      await this.checkout.submit(opened.session, { provider: opened.method.provider, token: opened.method.providerToken, customerId });
    } catch (error) {
      // submit() closes the session on the provider's refusal; anything before it left it open.
      await this.checkout.closeIfOpen(opened.session.id, error);
      this.logger.warn("auto top-up charge failed", { accountId, sessionId: opened.session.id, error });
    }
    return true;
  }

  /** Retries the scope's top-ups whose backoff has passed (called by the sweeper). */
  async retryDue(scope: TimeScope = this.time.serverScope()): Promise<number> {
    let started = 0;
    for (const accountId of await this.store.reads.autoTopUps.due(dueScope(scope))) if (await this.check(accountId)) started++;
    return started;
  }
}
