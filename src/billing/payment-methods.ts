/**
 * Saved payment methods: provider tokens only, never card numbers. One default per account. With
 * Stripe, each account has a Stripe Customer and every saved `pm_…` method is attached to it, so
 * that off-session charges (subscription periods, auto top-ups) can use it.
 */
import { randomHex } from "../ids.js";
import type { Clock } from "../clock.js";
import { badInput, notFound } from "../errors.js";
import type { PaymentMethodRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import type { Providers } from "./checkout.js";
import { checkProviderServes, providerForPayment, providerUnavailable } from "./payment-routing.js";
import { providerFailure, type PaymentProvider, type ProviderName } from "./providers.js";

export type { PaymentMethodRow };

const TOKEN = /^(tok|pm)_[A-Za-z0-9_]{3,120}$/;
const LOOKS_LIKE_CARD_NUMBER = /\d[\d\s-]{11,}\d/;

export class PaymentMethodService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly providers: Providers,
  ) {}

  list(accountId: string): Promise<PaymentMethodRow[]> {
    return this.store.reads.paymentMethods.list(accountId);
  }

  byId(id: string): Promise<PaymentMethodRow | undefined> {
    return this.store.reads.paymentMethods.get(id);
  }

  /** The account's default method, read in the caller's transaction (or from committed data). */
  async defaultMethod(accountId: string, tx?: Tx): Promise<PaymentMethodRow | undefined> {
    return (await (tx ?? this.store.reads).paymentMethods.list(accountId)).find((method) => method.isDefault);
  }

  private async own(tx: Tx, accountId: string, id: string): Promise<PaymentMethodRow> {
    const method = await tx.paymentMethods.own(accountId, id);
    if (!method) throw notFound(`No payment method ${id}`, ["paymentMethodId"]);
    return method;
  }

  private providerOf(name: ProviderName): PaymentProvider {
    if (name === "sandbox") return this.providers.sandbox;
    if (!this.providers.stripe) throw providerUnavailable("Stripe is not configured on this server (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET)");
    return this.providers.stripe;
  }

  /** The account's customer at the provider, made on first need (outside any transaction: it may call the provider). */
  async customerOf(accountId: string, providerName: ProviderName): Promise<string | null> {
    const stored = await this.storedCustomer(accountId, providerName);
    if (stored) return stored;
    const account = await this.store.reads.accounts.get(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    let customerId: string | null;
    try {
      customerId = await this.providerOf(providerName).ensureCustomer({ id: account.id, name: account.name });
    } catch (error) {
      throw providerFailure(error);
    }
    if (!customerId) return null;
    // Two callers at once get the same customer (the provider's idempotency key); the first row stays.
    return this.store.transaction((tx) =>
      tx.paymentMethods.saveCustomer({ accountId, provider: providerName, customerId, createdAt: this.clock.now().toISOString() }),
    );
  }

  async storedCustomer(accountId: string, providerName: ProviderName, tx?: Tx): Promise<string | null> {
    return (await (tx ?? this.store.reads).paymentMethods.customer(accountId, providerName)) ?? null;
  }

  /**
   * Saves a provider token: on a LIVE account a Stripe "pm_…" id made by the buyer's browser
   * (attached to the account's Stripe Customer first), on a TEST account a sandbox test token
   * such as "tok_visa".
   */
  async attach(accountId: string, token: string, makeDefault: boolean): Promise<PaymentMethodRow> {
    if (LOOKS_LIKE_CARD_NUMBER.test(token)) {
      throw badInput("Send the payment provider's token, never a card number", ["token"]);
    }
    if (!TOKEN.test(token)) {
      throw badInput('A token looks like "pm_…" (Stripe, LIVE accounts) or "tok_…" (sandbox test tokens, TEST accounts)', ["token"]);
    }
    const account = await this.store.reads.accounts.get(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    const provider = providerForPayment(account.mode, "CARD", this.providers.stripe !== null, ["token"]);
    if ((provider === "stripe") !== token.startsWith("pm_")) {
      throw badInput(
        provider === "stripe"
          ? `${token.slice(0, 4)}… is a sandbox test token: a LIVE account saves Stripe payment methods (pm_…)`
          : `${token.slice(0, 3)}… is a Stripe payment method: a TEST account saves sandbox test tokens (tok_visa …)`,
        ["token"],
      );
    }
    const customerId = await this.customerOf(accountId, provider);
    let label: string;
    try {
      ({ label } = await this.providerOf(provider).attachPaymentMethod(token, customerId));
    } catch (error) {
      throw badInput(`The payment provider refused the method: ${error instanceof Error ? error.message : String(error)}`, ["token"]);
    }
    return this.store.transaction((tx) => this.save(tx, accountId, { provider, token, label }, makeDefault));
  }

  /**
   * Inside a transaction: records a method the provider has (already attached to the customer).
   * Guard: the account's lock, so that two attaches at once leave one default.
   */
  async save(tx: Tx, accountId: string, method: { provider: ProviderName; token: string; label: string }, makeDefault: boolean): Promise<PaymentMethodRow> {
    const account = await tx.accounts.lock(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    checkProviderServes(account.mode, method.provider, ["token"]);
    const isDefault = (await tx.paymentMethods.list(accountId)).length === 0 || makeDefault;
    if (isDefault) await tx.paymentMethods.clearDefault(accountId);
    const id = `pmt_${randomHex(8)}`;
    await tx.paymentMethods.insert({
      id,
      accountId,
      provider: method.provider,
      providerToken: method.token,
      label: method.label,
      isDefault,
      createdAt: this.clock.now().toISOString(),
    });
    return this.own(tx, accountId, id);
  }

  setDefault(accountId: string, id: string): Promise<PaymentMethodRow> {
    return this.store.transaction(async (tx) => {
      await tx.accounts.lock(accountId);
      await this.own(tx, accountId, id);
      await tx.paymentMethods.clearDefault(accountId);
      await tx.paymentMethods.makeDefault(id);
      return this.own(tx, accountId, id);
    });
  }

  /** Removes a method; when it was the default, the most recent remaining one becomes the default. */
  detach(accountId: string, id: string): Promise<PaymentMethodRow> {
    return this.store.transaction(async (tx) => {
      await tx.accounts.lock(accountId);
      const method = await this.own(tx, accountId, id);
      await tx.paymentMethods.detach(id, this.clock.now().toISOString());
      if (method.isDefault) {
        const next = (await tx.paymentMethods.list(accountId)).at(-1);
        if (next) await tx.paymentMethods.makeDefault(next.id);
      }
      return (await tx.paymentMethods.get(id))!;
    });
  }
}
