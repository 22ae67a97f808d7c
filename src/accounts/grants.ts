/**
 * Credits added to and taken back from wallets: BONUS (an operator's grant, or sign-up credits),
 * PURCHASE (a paid checkout session or subscription period), REFUND (credits of a CONSUME entry
 * given back, never more than it took), CLAWBACK (a purchase refunded or disputed at the payment
 * provider), EXPIRE (a grant's time ran out). Each runs in the caller's transaction, or its own,
 * holding the wallet's lock.
 */
import { grantState, walletState } from "../events/payloads.js";
import { badInput, notFound } from "../errors.js";
import type { Decimal } from "../pricing/decimal.js";
import type { GrantRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import { dueScope, type AccountTime, type TimeScope } from "./account-time.js";
import { checkText, credits, creditsToMicros } from "./credits.js";
import { clawBackGrant } from "./grant-moves.js";
import { ADMIN_SCOPE, idempotent, type Outcome } from "./idempotency.js";
import type { NewGrant, WalletBook } from "./wallet-book.js";
import { checkProvider, walletProvider } from "./wallet-choice.js";

export interface GrantTerms {
  expiresAt?: Date | null;
  priority?: number | null;
}

const MAX_PRIORITY = 1_000_000;

export class CreditService {
  constructor(
    private readonly store: Store,
    readonly book: WalletBook,
    private readonly time: AccountTime,
    private readonly knownProvider: (id: string) => boolean,
  ) {}

  /** BONUS: promotional credits the admin gives, in the named provider's wallet (or the account's only one). */
  grant(
    accountId: string,
    provider: string | null | undefined,
    amount: Decimal,
    reason: string,
    terms: GrantTerms = {},
    idempotencyKey?: string | null,
  ): Promise<Outcome<{ transactionId: string; grantId: string }>> {
    const micros = creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    const spec = this.promotional(micros, terms);
    return this.store.transaction(async (tx) => {
      if (!(await tx.accounts.get(accountId))) throw notFound(`No account ${accountId}`, ["accountId"]);
      const providerId = await walletProvider(tx, this.knownProvider, accountId, provider, ["provider"]);
      const wallet = await this.book.lock(tx, accountId, providerId);
      // The account's time: a TEST account on a test clock lives at the clock's.
      if (spec.expiresAt && spec.expiresAt.getTime() <= wallet.asOf.getTime()) throw badInput("expiresAt must be in the future", ["expiresAt"]);
      const input = { accountId, providerId, amount, description, expiresAt: spec.expiresAt?.toISOString() ?? null, priority: spec.priority };
      return idempotent(tx, this.time.server, ADMIN_SCOPE, "creditsGrant", { key: idempotencyKey, input }, async () => {
        const { grant, entry } = await this.book.add(tx, wallet, spec, { type: "BONUS", description, idempotencyKey });
        return { transactionId: entry.id, grantId: grant.id };
      });
    });
  }

  /** BONUS inside the caller's transaction, without an idempotency key (e.g. a new account's welcome credits). */
  async bonus(tx: Tx, accountId: string, providerId: string, amount: Decimal, reason: string): Promise<{ transactionId: string }> {
    const micros = creditsToMicros(amount, ["credits"]);
    checkProvider(this.knownProvider, providerId, ["provider"]);
    const wallet = await this.book.lock(tx, accountId, providerId);
    const { entry } = await this.book.add(
      tx,
      wallet,
      { kind: "PROMOTIONAL", source: "SIGN_UP", micros, costMicros: 0 },
      { type: "BONUS", description: checkText(reason, ["reason"], "A reason") },
    );
    return { transactionId: entry.id };
  }

  /** PURCHASE, inside the caller's transaction: paid credits (a checkout session or a subscription period) as a grant. */
  async purchase(tx: Tx, accountId: string, providerId: string, grant: NewGrant, description: string): Promise<{ transactionId: string; grantId: string }> {
    const wallet = await this.book.lock(tx, accountId, providerId);
    const { grant: row, entry } = await this.book.add(tx, wallet, grant, { type: "PURCHASE", description });
    return { transactionId: entry.id, grantId: row.id };
  }

  /** REFUND: gives back credits a CONSUME entry took, never more than it took in all. */
  refund(
    transactionId: string,
    amount: Decimal | null | undefined,
    reason: string,
    idempotencyKey?: string | null,
  ): Promise<Outcome<{ transactionId: string }>> {
    const requested = amount == null ? null : creditsToMicros(amount, ["credits"]);
    const description = checkText(reason, ["reason"], "A reason");
    return this.store.transaction(async (tx) => {
      const consumed = await tx.ledger.get(transactionId);
      if (!consumed) throw notFound(`No transaction ${transactionId}`, ["transactionId"]);
      if (consumed.type !== "CONSUME") throw badInput(`Only CONSUME transactions can be refunded; ${transactionId} is ${consumed.type}`, ["transactionId"]);
      // The wallet's lock also serializes refunds of one entry: two cannot both give back its last credits.
      const wallet = await this.book.lock(tx, consumed.accountId, consumed.providerId);
      return idempotent(
        tx,
        this.time.server,
        ADMIN_SCOPE,
        "transactionRefund",
        { key: idempotencyKey, input: { transactionId, requested, description } },
        async () => {
          const refundable = -consumed.amountMicros - (await tx.ledger.refundedMicros(transactionId));
          const micros = requested ?? refundable;
          if (micros <= 0 || micros > refundable) {
            throw badInput(
              refundable === 0
                ? `Transaction ${transactionId} is already fully refunded`
                : `At most ${credits(refundable)} credits of ${transactionId} can still be refunded`,
              ["credits"],
            );
          }
          const entry = await this.book.refund(tx, wallet, consumed, micros, { description, idempotencyKey });
          return { transactionId: entry.id };
        },
      );
    });
  }

  /**
   * CLAWBACK, inside the caller's transaction: takes `claimMicros` credits of a grant back (a
   * purchase refunded or disputed at the provider); what is spent or held is recorded as owed.
   */
  async clawBack(tx: Tx, grant: GrantRow, claimMicros: number, close: boolean, reason: string): Promise<void> {
    const wallet = await this.book.lock(tx, grant.accountId, grant.providerId);
    const [current] = await tx.grants.byIds([grant.id]);
    await this.book.giveBackRepaid(tx, wallet, current);
    const entries = clawBackGrant(wallet, current, claimMicros, close, wallet.asOf.toISOString(), reason);
    await tx.grants.save(current);
    const posted = entries.length > 0 ? await this.book.ledger.post(tx, wallet, entries) : (await tx.wallets.save(wallet), []);
    await this.book.events.record(tx, grant.accountId, "grant.clawed_back", {
      grant: grantState(current),
      wallet: walletState(wallet),
      change: { claimed: credits(claimMicros), reason, transactionIds: posted.map((e) => e.id) },
    });
  }

  /** Expires the grants whose time has come, in the scope's wallets; returns how many. Claimed: a closed grant is never expired again. */
  async expireDue(scope: TimeScope = this.time.serverScope(), batchSize = 100): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.store.reads.grants.due(dueScope(scope), batchSize);
      const wallets = new Map(due.map((grant) => [`${grant.accountId}\u0000${grant.providerId}`, grant]));
      for (const grant of wallets.values()) {
        expired += await this.store.transaction(async (tx) =>
          this.book.expireDue(tx, await this.book.ledger.lockWallet(tx, grant.accountId, grant.providerId)),
        );
      }
      if (due.length < batchSize) return expired;
    }
  }

  private promotional(micros: number, terms: GrantTerms): NewGrant {
    const priority = terms.priority ?? 0;
    if (!Number.isInteger(priority) || Math.abs(priority) > MAX_PRIORITY)
      throw badInput(`priority must be a whole number from -${MAX_PRIORITY} to ${MAX_PRIORITY}`, ["priority"]);
    const expiresAt = terms.expiresAt ?? null;
    return { kind: "PROMOTIONAL", source: "ADMIN", micros, priority, expiresAt, costMicros: 0 };
  }
}
