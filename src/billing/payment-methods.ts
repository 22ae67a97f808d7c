/** Saved payment methods: provider tokens only, never card numbers. One default per account. */
import { and, desc, eq, isNull } from "drizzle-orm";
import { randomHex } from "../accounts/keys.js";
import { LedgerError, type Ledger } from "../accounts/ledger.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import type { ProviderName } from "./providers.js";

export type PaymentMethodRow = typeof t.paymentMethods.$inferSelect;

const TOKEN = /^(tok|pm)_[A-Za-z0-9_]{3,120}$/;
const LOOKS_LIKE_CARD_NUMBER = /\d[\d\s-]{11,}\d/;

export class PaymentMethodService {
  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly stripeEnabled: boolean,
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

  /** Saves a provider token (Stripe "pm_…" ids, or sandbox test tokens such as "tok_visa"). */
  attach(accountId: string, token: string, makeDefault: boolean): PaymentMethodRow {
    if (LOOKS_LIKE_CARD_NUMBER.test(token)) {
      throw new LedgerError("BAD_USER_INPUT", "Send the payment provider's token, never a card number", ["token"]);
    }
    if (!TOKEN.test(token)) {
      throw new LedgerError("BAD_USER_INPUT", 'A token looks like "pm_…" (Stripe) or "tok_…" (sandbox test tokens)', ["token"]);
    }
    const provider: ProviderName = token.startsWith("pm_") && this.stripeEnabled ? "stripe" : "sandbox";
    return this.ledger.atomically(() => {
      const first = this.list(accountId).length === 0;
      const isDefault = first || makeDefault;
      if (isDefault) this.clearDefault(accountId);
      const id = `pmt_${randomHex(8)}`;
      this.db
        .insert(t.paymentMethods)
        .values({
          id,
          accountId,
          provider,
          providerToken: token,
          label: `${token.replace(/^(tok|pm)_/, "").slice(0, 24)} (${provider})`,
          isDefault,
          createdAt: this.clock.now().toISOString(),
        })
        .run();
      return this.own(accountId, id);
    });
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
