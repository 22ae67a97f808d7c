/**
 * Saving a payment method on the provider's own page, as Stripe recommends for methods charged
 * later without the buyer present: Stripe Checkout in setup mode (a SetupIntent, with 3-D Secure
 * when the bank asks for it) or the sandbox's card page. The method is saved, as the account's
 * default, when the provider's verified webhook says the setup succeeded.
 */
import { randomHex } from "../ids.js";
import { dueScope, type AccountTime, type TimeScope } from "../accounts/account-time.js";
import { notFound } from "../errors.js";
import type { PaymentMethodSetupRow } from "../store/repositories/index.js";
import type { Store, Tx } from "../store/store.js";
import type { CheckoutService } from "./checkout.js";
import type { PaymentMethodService } from "./payment-methods.js";
import { providerServes } from "./payment-routing.js";
import { providerFailure, type PaymentEvent, type ProviderName } from "./providers.js";
import { newPageSecret } from "./page-access.js";

export type { PaymentMethodSetupRow };

export class PaymentMethodSetupService {
  constructor(
    private readonly store: Store,
    private readonly time: AccountTime,
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly ttlMs: number,
  ) {}

  get(id: string): Promise<PaymentMethodSetupRow | undefined> {
    return this.store.reads.setups.get(id);
  }

  /** Opens a setup and asks the provider for its page: send the buyer to the setup's url. */
  async create(accountId: string, input: { successUrl?: string | null; cancelUrl?: string | null }): Promise<PaymentMethodSetupRow> {
    const account = await this.store.reads.accounts.get(accountId);
    if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
    const provider: ProviderName = this.checkout.providerFor(account.mode, "CARD", []);
    const id = `pms_${randomHex(10)}`;
    const urls = this.checkout.returnUrls.check(id, input.successUrl, input.cancelUrl);
    const customerId = await this.paymentMethods.customerOf(accountId, provider);
    const pageSecret = provider === "sandbox" ? newPageSecret() : null;
    const now = await this.time.of(account);
    const row = await this.store.transaction(async (tx) => {
      await tx.setups.insert({
        id,
        accountId,
        provider,
        providerSessionId: provider === "sandbox" ? id : null,
        pageSecret,
        status: "OPEN",
        successUrl: urls.successUrl,
        cancelUrl: urls.cancelUrl,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
      });
      return (await tx.setups.get(id))!;
    });
    try {
      const page = await this.checkout.provider(provider).createSetup({
        setupId: id,
        accountId,
        customerId,
        successUrl: this.checkout.returnUrls.success(row),
        cancelUrl: this.checkout.returnUrls.cancel(row),
        pageSecret,
      });
      await this.store.transaction((tx) => tx.setups.setProviderRefs(id, page.providerSessionId, page.url));
    } catch (error) {
      await this.store.transaction((tx) => tx.setups.expire({ id }));
      throw providerFailure(error);
    }
    return (await this.get(id))!;
  }

  /**
   * Inside the webhook's transaction: saves the method the buyer set up, as the default, once
   * (guard: the update is conditional on the setup still being OPEN). A method for another
   * account's customer is refused.
   */
  async completed(tx: Tx, providerName: ProviderName, event: PaymentEvent): Promise<{ outcome: string; accountId: string | null }> {
    const setup = event.setup!;
    const row = await tx.setups.get(setup.setupId);
    if (!row || row.provider !== providerName) return { outcome: "ignored: unknown setup", accountId: null };
    if (row.status !== "OPEN") return { outcome: `ignored: setup ${row.id} is already ${row.status}`, accountId: null };
    const customer = await this.paymentMethods.storedCustomer(row.accountId, providerName, tx);
    if (setup.customerId !== customer) {
      return { outcome: `rejected: setup ${row.id} belongs to another customer`, accountId: null };
    }
    const account = (await tx.accounts.get(row.accountId))!;
    if (!providerServes(account.mode, providerName))
      return { outcome: `rejected: a ${account.mode} account saves no ${providerName} methods`, accountId: null };
    const method = await this.paymentMethods.save(
      tx,
      row.accountId,
      { provider: providerName, token: setup.paymentMethodToken, label: setup.label ?? `${setup.paymentMethodToken.slice(0, 28)} (${providerName})` },
      true,
    );
    if (!(await tx.setups.complete(row.id, method.id, (await this.time.of(account, tx)).toISOString())))
      throw new Error(`setup ${row.id} changed while it was completed`);
    return { outcome: `applied: setup ${row.id} saved payment method ${method.id} as the default`, accountId: row.accountId };
  }

  /** Expires the scope's setups the buyer never finished; returns how many. */
  expireStale(scope: TimeScope = this.time.serverScope()): Promise<number> {
    return this.store.transaction((tx) => tx.setups.expire({ scope: dueScope(scope) }));
  }
}
