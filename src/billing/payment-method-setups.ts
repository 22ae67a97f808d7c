/**
 * Saving a payment method on the provider's own page, as Stripe recommends for methods charged
 * later without the buyer present: Stripe Checkout in setup mode (a SetupIntent, with 3-D Secure
 * when the bank asks for it) or the sandbox's card page. The method is saved, as the account's
 * default, when the provider's verified webhook says the setup succeeded.
 */
import { and, eq, lte } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { BillingErrorCode, type CheckoutService } from "./checkout.js";
import type { PaymentMethodService } from "./payment-methods.js";
import type { PaymentEvent, ProviderName } from "./providers.js";

export type PaymentMethodSetupRow = typeof t.paymentMethodSetups.$inferSelect;

export class PaymentMethodSetupService {
  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly checkout: CheckoutService,
    private readonly paymentMethods: PaymentMethodService,
    private readonly ttlMs: number,
  ) {}

  private get db() {
    return this.database.db;
  }

  get(id: string): PaymentMethodSetupRow | undefined {
    return this.db.select().from(t.paymentMethodSetups).where(eq(t.paymentMethodSetups.id, id)).get();
  }

  /** Opens a setup and asks the provider for its page: send the buyer to the setup's url. */
  async create(accountId: string, input: { successUrl?: string | null; cancelUrl?: string | null }): Promise<PaymentMethodSetupRow> {
    const provider: ProviderName = this.checkout.providerFor("CARD");
    const id = `pms_${randomHex(10)}`;
    const urls = this.checkout.returnUrls.check(id, input.successUrl, input.cancelUrl);
    const customerId = await this.paymentMethods.customerOf(accountId, provider);
    const now = this.clock.now();
    this.db
      .insert(t.paymentMethodSetups)
      .values({
        id,
        accountId,
        provider,
        providerSessionId: provider === "sandbox" ? id : null,
        status: "OPEN",
        successUrl: urls.successUrl,
        cancelUrl: urls.cancelUrl,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + this.ttlMs).toISOString(),
      })
      .run();
    const row = this.get(id)!;
    try {
      const page = await this.checkout.provider(provider).createSetup({
        setupId: id,
        accountId,
        customerId,
        successUrl: this.checkout.returnUrls.success(row),
        cancelUrl: this.checkout.returnUrls.cancel(row),
      });
      this.db.update(t.paymentMethodSetups).set({ providerSessionId: page.providerSessionId, url: page.url }).where(eq(t.paymentMethodSetups.id, id)).run();
    } catch (error) {
      this.db.update(t.paymentMethodSetups).set({ status: "EXPIRED" }).where(eq(t.paymentMethodSetups.id, id)).run();
      throw new LedgerError(BillingErrorCode.PAYMENT_PROVIDER_ERROR, `The payment provider refused the request: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.get(id)!;
  }

  /**
   * Inside the webhook's transaction: saves the method the buyer set up, as the default, once
   * (guard: the update is conditional on the setup still being OPEN). A method for another
   * account's customer is refused.
   */
  completed(providerName: ProviderName, event: PaymentEvent): { outcome: string; accountId: string | null } {
    const setup = event.setup!;
    const row = this.get(setup.setupId);
    if (!row || row.provider !== providerName) return { outcome: "ignored: unknown setup", accountId: null };
    if (row.status !== "OPEN") return { outcome: `ignored: setup ${row.id} is already ${row.status}`, accountId: null };
    const customer = this.paymentMethods.storedCustomer(row.accountId, providerName);
    if (setup.customerId !== customer) {
      return { outcome: `rejected: setup ${row.id} belongs to another customer`, accountId: null };
    }
    const method = this.paymentMethods.save(
      row.accountId,
      { provider: providerName, token: setup.paymentMethodToken, label: setup.label ?? `${setup.paymentMethodToken.slice(0, 28)} (${providerName})` },
      true,
    );
    const claimed = this.db
      .update(t.paymentMethodSetups)
      .set({ status: "COMPLETED", paymentMethodId: method.id, completedAt: this.clock.now().toISOString() })
      .where(and(eq(t.paymentMethodSetups.id, row.id), eq(t.paymentMethodSetups.status, "OPEN")))
      .run();
    if (claimed.changes !== 1) throw new Error(`setup ${row.id} changed while it was completed`);
    return { outcome: `applied: setup ${row.id} saved payment method ${method.id} as the default`, accountId: row.accountId };
  }

  /** Expires setups the buyer never finished; returns how many. */
  expireStale(): number {
    return this.ledger.atomically(
      () =>
        this.db
          .update(t.paymentMethodSetups)
          .set({ status: "EXPIRED" })
          .where(and(eq(t.paymentMethodSetups.status, "OPEN"), lte(t.paymentMethodSetups.expiresAt, this.clock.now().toISOString())))
          .run().changes,
    );
  }
}
