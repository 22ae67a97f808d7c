/**
 * Credits added to an account: BONUS (an operator's grant), PURCHASE (a paid checkout session or
 * subscription period) and REFUND (credits of a CONSUME entry given back, never more than it took).
 * Each runs in the caller's transaction, or its own, holding the account's lock.
 */
import type { Clock } from "../clock.js";
import { badInput, notFound } from "../errors.js";
import type { Decimal } from "../pricing/decimal.js";
import type { Store, Tx } from "../store/store.js";
import { balanceLimitError, checkText, credits, creditsToMicros, fitsBalance } from "./credits.js";
import { ADMIN_SCOPE, idempotent, type Outcome } from "./idempotency.js";
import type { CreditLedger } from "./ledger.js";

export class CreditService {
  constructor(
    private readonly store: Store,
    private readonly ledger: CreditLedger,
    private readonly clock: Clock,
  ) {}

  /** BONUS: credits given by the admin (or at sign-up). */
  grant(accountId: string, amount: Decimal, reason: string, idempotencyKey?: string | null): Promise<Outcome<{ transactionId: string }>> {
    const micros = creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    return this.store.transaction(async (tx) => {
      const account = await this.ledger.lockAccount(tx, accountId);
      return idempotent(tx, this.clock, ADMIN_SCOPE, "creditsGrant", { key: idempotencyKey, input: { accountId, amount, description } }, async () => {
        if (!fitsBalance(account.balanceMicros, micros)) throw balanceLimitError(["credits"]);
        const [entry] = await this.ledger.post(tx, account, [{ type: "BONUS", amountMicros: micros, idempotencyKey, description }]);
        return { transactionId: entry.id };
      });
    });
  }

  /** BONUS inside the caller's transaction, without an idempotency key (e.g. a new account's welcome credits). */
  async bonus(tx: Tx, accountId: string, amount: Decimal, reason: string): Promise<{ transactionId: string }> {
    const micros = creditsToMicros(amount, ["credits"]);
    const account = await this.ledger.lockAccount(tx, accountId);
    if (!fitsBalance(account.balanceMicros, micros)) throw balanceLimitError(["credits"]);
    const [entry] = await this.ledger.post(tx, account, [{ type: "BONUS", amountMicros: micros, description: checkText(reason, ["reason"], "A reason") }]);
    return { transactionId: entry.id };
  }

  /** PURCHASE, inside the caller's transaction: credits paid for (a checkout session or a subscription period). */
  async purchase(tx: Tx, accountId: string, micros: number, description: string): Promise<{ transactionId: string }> {
    const account = await this.ledger.lockAccount(tx, accountId);
    if (!fitsBalance(account.balanceMicros, micros)) throw balanceLimitError(["credits"]);
    const [entry] = await this.ledger.post(tx, account, [{ type: "PURCHASE", amountMicros: micros, description }]);
    return { transactionId: entry.id };
  }

  /** REFUND: gives back credits a CONSUME entry took, never more than it took in all. */
  refund(transactionId: string, amount: Decimal | null | undefined, reason: string, idempotencyKey?: string | null): Promise<Outcome<{ transactionId: string }>> {
    const requested = amount == null ? null : creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    return this.store.transaction(async (tx) => {
      const consumed = await tx.ledger.get(transactionId);
      if (!consumed) throw notFound(`No transaction ${transactionId}`, ["transactionId"]);
      if (consumed.type !== "CONSUME") throw badInput(`Only CONSUME transactions can be refunded; ${transactionId} is ${consumed.type}`, ["transactionId"]);
      // The account's lock also serializes refunds of one entry: two cannot both give back its last credits.
      const account = await this.ledger.lockAccount(tx, consumed.accountId);
      return idempotent(tx, this.clock, ADMIN_SCOPE, "transactionRefund", { key: idempotencyKey, input: { transactionId, requested, description } }, async () => {
        const refundable = -consumed.amountMicros - (await tx.ledger.refundedMicros(transactionId));
        const micros = requested ?? refundable;
        if (micros <= 0 || micros > refundable) {
          throw badInput(
            refundable === 0 ? `Transaction ${transactionId} is already fully refunded` : `At most ${credits(refundable)} credits of ${transactionId} can still be refunded`,
            ["credits"],
          );
        }
        const [entry] = await this.ledger.post(tx, account, [
          { type: "REFUND", amountMicros: micros, jobId: consumed.jobId, refundOfId: transactionId, idempotencyKey, description },
        ]);
        return { transactionId: entry.id };
      });
    });
  }
}
