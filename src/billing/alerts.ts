/**
 * Credit alerts and auto top-up, both driven by changes to an account's available credits.
 *
 * Alerts: one email per crossing below the threshold (not one per transaction), re-armed when
 * available credits are at or above it again. Decided inside the ledger's transaction, and the
 * email goes to an outbox table in that same transaction, so no change can lose its alert.
 *
 * Auto top-up: after a reserve or consume leaves available credits below the threshold, the
 * chosen pack is bought with the default payment method. At most one top-up is in flight; a
 * failed charge is recorded and retried only after a backoff (./top-up-state.ts).
 */
import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { creditsToMicros, LedgerError, type Ledger, type LedgerObserver, type TransactionType } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import type { Logger } from "../logger.js";
import { type Decimal, fromMicros } from "../pricing/decimal.js";
import type { CheckoutService } from "./checkout.js";
import type { PaymentMethodService } from "./payment-methods.js";
import { topUpFailed } from "./top-up-state.js";

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;

export class CreditAlertService implements LedgerObserver {
  /** An alert was queued by the transaction in progress; send once it commits. */
  private enqueued = false;
  /** Read inside every ledger write: prepared once. */
  private readonly settings;

  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly onEnqueued: () => void,
  ) {
    this.settings = database.db.select().from(t.creditAlerts).where(eq(t.creditAlerts.accountId, sql.placeholder("id"))).prepare();
  }

  private get db() {
    return this.database.db;
  }

  get(accountId: string) {
    return this.settings.get({ id: accountId });
  }

  update(accountId: string, input: { enabled: boolean; thresholdCredits?: Decimal | null; email?: string | null }) {
    const updated = this.ledger.atomically(() => {
      const current = this.get(accountId);
      const threshold = input.thresholdCredits != null ? creditsToMicros(input.thresholdCredits, ["thresholdCredits"]) : current?.thresholdMicros;
      const email = input.email?.trim() ?? current?.email;
      if (input.enabled && threshold === undefined) {
        throw new LedgerError("BAD_USER_INPUT", "thresholdCredits is needed to turn alerts on", ["thresholdCredits"]);
      }
      if (input.enabled && !email) throw new LedgerError("BAD_USER_INPUT", "email is needed to turn alerts on", ["email"]);
      if (email && !EMAIL.test(email)) throw new LedgerError("BAD_USER_INPUT", `"${email}" is not an email address`, ["email"]);
      if (!current && !input.enabled) return undefined;
      const account = this.db.select().from(t.accounts).where(eq(t.accounts.id, accountId)).get()!;
      const values = { enabled: input.enabled, thresholdMicros: threshold ?? 0, email: email ?? "", armed: true, updatedAt: this.clock.now().toISOString() };
      // Turned on (or changed) while already below the threshold: that is a fall below it too,
      // alerted once, unless this alert already told of the fall it is in.
      const alreadyAlerted = current?.enabled && !current.armed && current.thresholdMicros === values.thresholdMicros;
      this.db.insert(t.creditAlerts).values({ accountId, ...values }).onConflictDoUpdate({ target: t.creditAlerts.accountId, set: values }).run();
      if (alreadyAlerted) this.db.update(t.creditAlerts).set({ armed: false }).where(eq(t.creditAlerts.accountId, accountId)).run();
      else this.inTransaction(account);
      return this.get(accountId);
    });
    // No ledger entry was written, so the ledger will not call afterCommit for this alert.
    this.afterCommit();
    return updated;
  }

  inTransaction(account: { id: string; balanceMicros: number; reservedMicros: number }): void {
    const alert = this.get(account.id);
    if (!alert?.enabled) return;
    const available = account.balanceMicros - account.reservedMicros;
    if (alert.armed && available < alert.thresholdMicros) {
      const now = this.clock.now().toISOString();
      this.db.update(t.creditAlerts).set({ armed: false, lastAlertAt: now }).where(eq(t.creditAlerts.accountId, account.id)).run();
      this.db
        .insert(t.emailOutbox)
        .values({
          accountId: account.id,
          kind: "LOW_CREDITS",
          recipient: alert.email,
          subject: `Your credits are below ${fromMicros(alert.thresholdMicros).toFixed()}`,
          body:
            `Account ${account.id} has ${fromMicros(available).toFixed()} credits available, ` +
            `below your alert threshold of ${fromMicros(alert.thresholdMicros).toFixed()}.\n\n` +
            "Buy a credit pack or turn on auto top-up to keep jobs running.\n",
          createdAt: now,
        })
        .run();
      this.enqueued = true;
    } else if (!alert.armed && available >= alert.thresholdMicros) {
      this.db.update(t.creditAlerts).set({ armed: true }).where(eq(t.creditAlerts.accountId, account.id)).run();
    }
  }

  afterCommit(): void {
    if (!this.enqueued) return;
    this.enqueued = false;
    this.onEnqueued();
  }
}

export class AutoTopUpService implements LedgerObserver {
  /** Read after every reserve and consume: prepared once. */
  private readonly settings;

  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.settings = database.db.select().from(t.autoTopUps).where(eq(t.autoTopUps.accountId, sql.placeholder("id"))).prepare();
  }

  private get db() {
    return this.database.db;
  }

  get(accountId: string) {
    return this.settings.get({ id: accountId });
  }

  update(accountId: string, input: { enabled: boolean; thresholdCredits?: Decimal | null; packId?: string | null }) {
    return this.ledger.atomically(() => {
      const current = this.get(accountId);
      const threshold = input.thresholdCredits != null ? creditsToMicros(input.thresholdCredits, ["thresholdCredits"]) : current?.thresholdMicros;
      const packId = input.packId ?? current?.packId;
      if (packId) this.checkout.findPack(packId);
      if (input.enabled) {
        if (threshold === undefined) throw new LedgerError("BAD_USER_INPUT", "thresholdCredits is needed to turn auto top-up on", ["thresholdCredits"]);
        if (!packId) throw new LedgerError("BAD_USER_INPUT", "packId is needed to turn auto top-up on", ["packId"]);
        if (!this.paymentMethods.defaultMethod(accountId)) {
          throw new LedgerError("BAD_USER_INPUT", "Attach a payment method before turning auto top-up on", []);
        }
      }
      if (!current && !input.enabled) return undefined;
      const values = {
        enabled: input.enabled,
        thresholdMicros: threshold ?? 0,
        packId: packId ?? "",
        // Changing the settings starts over: no waiting on an earlier failure.
        consecutiveFailures: 0,
        nextAttemptAt: null,
        lastError: null,
        updatedAt: this.clock.now().toISOString(),
      };
      this.db.insert(t.autoTopUps).values({ accountId, ...values }).onConflictDoUpdate({ target: t.autoTopUps.accountId, set: values }).run();
      return this.get(accountId);
    });
  }

  afterCommit(accountId: string, types: TransactionType[]): void {
    if (!types.includes("RESERVE") && !types.includes("CONSUME")) return;
    // Runs on its own after the commit: its failure must not surface as an unhandled rejection.
    this.check(accountId).catch((error: unknown) =>
      this.logger.error("auto top-up check failed", { accountId, error: error instanceof Error ? error.stack : String(error) }),
    );
  }

  /**
   * Buys the pack when the account is below its threshold, nothing is in flight and no backoff is
   * pending. The claim (setting the in-flight session) is a conditional write, so two triggers at
   * once start one top-up.
   */
  async check(accountId: string): Promise<boolean> {
    // Most accounts never turn top-up on: find that out without taking the write lock.
    if (!this.get(accountId)?.enabled) return false;
    const sessionId = `cs_${randomHex(12)}`;
    const claim = this.ledger.atomically(() => {
      const settings = this.get(accountId);
      if (!settings?.enabled || settings.inFlightSessionId) return null;
      if (settings.nextAttemptAt && settings.nextAttemptAt > this.clock.now().toISOString()) return null;
      const account = this.db.select().from(t.accounts).where(eq(t.accounts.id, accountId)).get()!;
      if (account.balanceMicros - account.reservedMicros >= settings.thresholdMicros) return null;
      const method = this.paymentMethods.defaultMethod(accountId);
      if (!method) return null;
      const claimed = this.db
        .update(t.autoTopUps)
        .set({ inFlightSessionId: sessionId })
        .where(and(eq(t.autoTopUps.accountId, accountId), isNull(t.autoTopUps.inFlightSessionId)))
        .run();
      return claimed.changes === 1 ? { packId: settings.packId, method } : null;
    });
    if (!claim) return false;
    try {
      const customerId = claim.method.provider === "stripe" ? await this.paymentMethods.customerOf(accountId, "stripe") : null;
      await this.checkout.create({
        accountId,
        packId: claim.packId,
        paymentType: "CARD",
        purpose: "AUTO_TOP_UP",
        sessionId,
        saved: { provider: claim.method.provider, token: claim.method.providerToken, customerId },
      });
    } catch (error) {
      // create() already closed the session, which recorded the failure; make sure of it.
      this.ledger.atomically(() =>
        topUpFailed(this.db, this.clock, accountId, sessionId, error instanceof Error ? error.message : String(error)),
      );
      this.logger.warn("auto top-up charge failed", { accountId, sessionId, error: error instanceof Error ? error.message : String(error) });
    }
    return true;
  }

  /** Retries top-ups whose backoff has passed (called by the sweeper). */
  async retryDue(): Promise<number> {
    const due = this.db
      .select({ accountId: t.autoTopUps.accountId })
      .from(t.autoTopUps)
      .where(
        and(
          eq(t.autoTopUps.enabled, true),
          isNull(t.autoTopUps.inFlightSessionId),
          or(isNull(t.autoTopUps.nextAttemptAt), lte(t.autoTopUps.nextAttemptAt, this.clock.now().toISOString())),
        ),
      )
      .all();
    let started = 0;
    for (const { accountId } of due) if (await this.check(accountId)) started++;
    return started;
  }
}
