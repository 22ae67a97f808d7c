/**
 * Saved payment methods: provider tokens only, never card numbers. One default per account. With
 * Stripe, each account has a Stripe Customer and every saved `pm_…` method is attached to it, so
 * that off-session charges (subscription periods, auto top-ups) can use it.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import type { Providers } from "./checkout.js";
import type { PaymentProvider, ProviderName } from "./providers.js";

export type PaymentMethodRow = typeof t.paymentMethods.$inferSelect;

const TOKEN = /^(tok|pm)_[A-Za-z0-9_]{3,120}$/;
const LOOKS_LIKE_CARD_NUMBER = /\d[\d\s-]{11,}\d/;

export class PaymentMethodService {
  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly providers: Providers,
  ) {}

  private get db() {
    return this.database.db;
  }

  list(accountId: string): PaymentMethodRow[] {
    return this.db
      .select()
      .from(t.paymentMethods)
      .where(and(eq(t.paymentMethods.accountId, accountId), isNull(t.paymentMethods.detachedAt)))
      .orderBy(desc(t.paymentMethods.isDefault), t.paymentMethods.createdAt)
      .all();
  }

  byId(id: string): PaymentMethodRow | undefined {
    return this.db.select().from(t.paymentMethods).where(eq(t.paymentMethods.id, id)).get();
  }

  defaultMethod(accountId: string): PaymentMethodRow | undefined {
    return this.list(accountId).find((method) => method.isDefault);
  }

  private own(accountId: string, id: string): PaymentMethodRow {
    const method = this.db
      .select()
      .from(t.paymentMethods)
      .where(and(eq(t.paymentMethods.id, id), eq(t.paymentMethods.accountId, accountId), isNull(t.paymentMethods.detachedAt)))
      .get();
    if (!method) throw new LedgerError("NOT_FOUND", `No payment method ${id}`, ["paymentMethodId"]);
    return method;
  }

  private providerOf(name: ProviderName): PaymentProvider {
    return name === "stripe" && this.providers.stripe ? this.providers.stripe : this.providers.sandbox;
  }

  /** The account's customer at the provider, made on first need (outside any transaction: it may call the provider). */
  async customerOf(accountId: string, providerName: ProviderName): Promise<string | null> {
    const stored = this.storedCustomer(accountId, providerName);
    if (stored) return stored;
    const account = this.db.select({ id: t.accounts.id, name: t.accounts.name }).from(t.accounts).where(eq(t.accounts.id, accountId)).get();
    if (!account) throw new LedgerError("NOT_FOUND", `No account ${accountId}`, ["accountId"]);
    const customerId = await this.providerOf(providerName).ensureCustomer(account);
    if (!customerId) return null;
    // Two callers at once get the same customer (the provider's idempotency key); the first row stays.
    this.db
      .insert(t.paymentCustomers)
      .values({ accountId, provider: providerName, customerId, createdAt: this.clock.now().toISOString() })
      .onConflictDoNothing()
      .run();
    return this.storedCustomer(accountId, providerName);
  }

  storedCustomer(accountId: string, providerName: ProviderName): string | null {
    return (
      this.db
        .select({ customerId: t.paymentCustomers.customerId })
        .from(t.paymentCustomers)
        .where(and(eq(t.paymentCustomers.accountId, accountId), eq(t.paymentCustomers.provider, providerName)))
        .get()?.customerId ?? null
    );
  }

  /**
   * Saves a provider token: a Stripe "pm_…" id made by the buyer's browser (attached to the
   * account's Stripe Customer first), or sandbox test tokens such as "tok_visa".
   */
  async attach(accountId: string, token: string, makeDefault: boolean): Promise<PaymentMethodRow> {
    if (LOOKS_LIKE_CARD_NUMBER.test(token)) {
      throw new LedgerError("BAD_USER_INPUT", "Send the payment provider's token, never a card number", ["token"]);
    }
    if (!TOKEN.test(token)) {
      throw new LedgerError("BAD_USER_INPUT", 'A token looks like "pm_…" (Stripe) or "tok_…" (sandbox test tokens)', ["token"]);
    }
    const provider: ProviderName = token.startsWith("pm_") && this.providers.stripe ? "stripe" : "sandbox";
    const customerId = await this.customerOf(accountId, provider);
    let label: string;
    try {
      ({ label } = await this.providerOf(provider).attachPaymentMethod(token, customerId));
    } catch (error) {
      throw new LedgerError("BAD_USER_INPUT", `The payment provider refused the method: ${error instanceof Error ? error.message : String(error)}`, ["token"]);
    }
    return this.ledger.atomically(() => this.save(accountId, { provider, token, label }, makeDefault));
  }

  /** Inside a transaction: records a method the provider has (already attached to the customer). */
  save(accountId: string, method: { provider: ProviderName; token: string; label: string }, makeDefault: boolean): PaymentMethodRow {
    const isDefault = this.list(accountId).length === 0 || makeDefault;
    if (isDefault) this.clearDefault(accountId);
    const id = `pmt_${randomHex(8)}`;
    this.db
      .insert(t.paymentMethods)
      .values({
        id,
        accountId,
        provider: method.provider,
        providerToken: method.token,
        label: method.label,
        isDefault,
        createdAt: this.clock.now().toISOString(),
      })
      .run();
    return this.own(accountId, id);
  }

  private clearDefault(accountId: string): void {
    this.db.update(t.paymentMethods).set({ isDefault: false }).where(eq(t.paymentMethods.accountId, accountId)).run();
  }

  setDefault(accountId: string, id: string): PaymentMethodRow {
    return this.ledger.atomically(() => {
      this.own(accountId, id);
      this.clearDefault(accountId);
      this.db.update(t.paymentMethods).set({ isDefault: true }).where(eq(t.paymentMethods.id, id)).run();
      return this.own(accountId, id);
    });
  }

  /** Removes a method; when it was the default, the most recent remaining one becomes the default. */
  detach(accountId: string, id: string): PaymentMethodRow {
    return this.ledger.atomically(() => {
      const method = this.own(accountId, id);
      this.db
        .update(t.paymentMethods)
        .set({ detachedAt: this.clock.now().toISOString(), isDefault: false })
        .where(eq(t.paymentMethods.id, id))
        .run();
      if (method.isDefault) {
        const next = this.list(accountId).at(-1);
        if (next) this.db.update(t.paymentMethods).set({ isDefault: true }).where(eq(t.paymentMethods.id, next.id)).run();
      }
      return this.db.select().from(t.paymentMethods).where(eq(t.paymentMethods.id, id)).get()!;
    });
  }
}
