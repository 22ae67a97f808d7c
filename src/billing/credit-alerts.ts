/**
 * Credit alerts, one per wallet (an account and a provider): one email per fall below the threshold (not one per transaction), re-armed when
 * available credits are at or above it again. Decided inside the ledger's transaction, and the
 * email goes to the outbox in that same transaction, so no change can lose its alert; it is sent
 * once the transaction is durable (./mailer.ts).
 */
import type { EventLog } from "../events/log.js";
import { walletState } from "../events/payloads.js";
import { creditsToMicros } from "../accounts/credits.js";
import type { LedgerHooks } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import { badInput, notFound } from "../errors.js";
import { type Decimal, fromMicros } from "../pricing/decimal.js";
import type { CreditAlertRow, WalletRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

export class CreditAlertService implements LedgerHooks {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** An alert was queued and its transaction is durable: send it. */
    private readonly onQueued: () => void,
    private readonly events: EventLog,
  ) {}

  get(accountId: string, providerId: string): Promise<CreditAlertRow | undefined> {
    return this.store.reads.creditAlerts.get(accountId, providerId);
  }

  ofAccount(accountId: string): Promise<CreditAlertRow[]> {
    return this.store.reads.creditAlerts.ofAccount(accountId);
  }

  update(
    accountId: string,
    providerId: string,
    input: { enabled: boolean; thresholdCredits?: Decimal | null; email?: string | null },
  ): Promise<CreditAlertRow | undefined> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.accounts.get(accountId))) throw notFound(`No account ${accountId}`, ["accountId"]);
      const wallet = await tx.wallets.lock(accountId, providerId);
      const current = await tx.creditAlerts.get(accountId, providerId);
      const threshold = input.thresholdCredits != null ? creditsToMicros(input.thresholdCredits, ["thresholdCredits"]) : current?.thresholdMicros;
      const email = input.email?.trim() ?? current?.email;
      if (input.enabled && threshold === undefined) throw badInput("thresholdCredits is needed to turn alerts on", ["thresholdCredits"]);
      if (input.enabled && !email) throw badInput("email is needed to turn alerts on", ["email"]);
      if (email && !EMAIL.test(email)) throw badInput(`"${email}" is not an email address`, ["email"]);
      if (!current && !input.enabled) return undefined;
      const values = { enabled: input.enabled, thresholdMicros: threshold ?? 0, email: email ?? "", armed: true, updatedAt: this.clock.now().toISOString() };
      // Turned on (or changed) while already below the threshold: that is a fall below it too,
      // alerted once, unless this alert already told of the fall it is in.
      const alreadyAlerted = current?.enabled && !current.armed && current.thresholdMicros === values.thresholdMicros;
      await tx.creditAlerts.save({ accountId, providerId, ...values });
      if (alreadyAlerted) await tx.creditAlerts.setArmed(accountId, providerId, false);
      else await this.inTransaction(tx, wallet);
      return tx.creditAlerts.get(accountId, providerId);
    });
  }

  async inTransaction(tx: Tx, wallet: WalletRow): Promise<void> {
    const alert = await tx.creditAlerts.get(wallet.accountId, wallet.providerId);
    if (!alert?.enabled) return;
    const available = wallet.balanceMicros - wallet.reservedMicros;
    if (alert.armed && available < alert.thresholdMicros) {
      const now = this.clock.now().toISOString();
      await tx.creditAlerts.setArmed(wallet.accountId, wallet.providerId, false, now);
      await tx.emails.insert({
        accountId: wallet.accountId,
        kind: "LOW_CREDITS",
        recipient: alert.email,
        subject: `Your ${wallet.providerId} credits are below ${fromMicros(alert.thresholdMicros).toFixed()}`,
        body:
          `Account ${wallet.accountId} has ${fromMicros(available).toFixed()} ${wallet.providerId} credits available, ` +
          `below your alert threshold of ${fromMicros(alert.thresholdMicros).toFixed()}.\n\n` +
          "Buy a credit pack or turn on auto top-up to keep jobs running.\n",
        createdAt: now,
      });
      await this.events.record(tx, wallet.accountId, "wallet.low_balance", {
        wallet: walletState(wallet),
        alert: { thresholdCredits: fromMicros(alert.thresholdMicros).toFixed(), email: alert.email },
      });
      tx.afterCommit(this.onQueued);
    } else if (!alert.armed && available >= alert.thresholdMicros) {
      await tx.creditAlerts.setArmed(wallet.accountId, wallet.providerId, true);
    }
  }
}
