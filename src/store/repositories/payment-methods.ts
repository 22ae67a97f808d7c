/** Saved payment methods, the account's customer at each provider, and card-saving setups. */
import { and, desc, eq, isNull, lte } from "drizzle-orm";
import { first, inScope, type DueScope, type NewRow, type RepositoryContext, type Rows } from "./context.js";

export type PaymentMethodRow = Rows<"paymentMethods">;
export type PaymentMethodSetupRow = Rows<"paymentMethodSetups">;
type Provider = PaymentMethodRow["provider"];

export class PaymentMethodRepository {
  constructor(private readonly c: RepositoryContext) {}

  /** Attached methods, the default first, then oldest first. */
  async list(accountId: string): Promise<PaymentMethodRow[]> {
    const { db, t } = this.c;
    const m = t.paymentMethods;
    return db
      .select()
      .from(m)
      .where(and(eq(m.accountId, accountId), isNull(m.detachedAt)))
      .orderBy(desc(m.isDefault), m.createdAt);
  }

  async get(id: string): Promise<PaymentMethodRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.paymentMethods).where(eq(t.paymentMethods.id, id)));
  }

  /** The account's attached method (another account's, or a detached one, looks missing). */
  async own(accountId: string, id: string): Promise<PaymentMethodRow | undefined> {
    const { db, t } = this.c;
    const m = t.paymentMethods;
    return first(
      await db
        .select()
        .from(m)
        .where(and(eq(m.id, id), eq(m.accountId, accountId), isNull(m.detachedAt))),
    );
  }

  async insert(row: NewRow<"paymentMethods">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.paymentMethods).values(row);
  }

  async clearDefault(accountId: string): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.paymentMethods).set({ isDefault: false }).where(eq(t.paymentMethods.accountId, accountId));
  }

  async makeDefault(id: string): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.paymentMethods).set({ isDefault: true }).where(eq(t.paymentMethods.id, id));
  }

  async detach(id: string, at: string): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.paymentMethods).set({ detachedAt: at, isDefault: false }).where(eq(t.paymentMethods.id, id));
  }

  async customer(accountId: string, provider: Provider): Promise<string | undefined> {
    const { db, t } = this.c;
    const p = t.paymentCustomers;
    return first(
      await db
        .select({ id: p.customerId })
        .from(p)
        .where(and(eq(p.accountId, accountId), eq(p.provider, provider))),
    )?.id;
  }

  /** Records the customer unless one is recorded; returns the one recorded (guard: the primary key). */
  async saveCustomer(row: NewRow<"paymentCustomers">): Promise<string> {
    const { db, t } = this.c;
    await db.insert(t.paymentCustomers).values(row).onConflictDoNothing();
    return (await this.customer(row.accountId, row.provider))!;
  }
}

export class PaymentMethodSetupRepository {
  constructor(private readonly c: RepositoryContext) {}

  async insert(row: NewRow<"paymentMethodSetups">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.paymentMethodSetups).values(row);
  }

  async get(id: string): Promise<PaymentMethodSetupRow | undefined> {
    const { db, t } = this.c;
    return first(await db.select().from(t.paymentMethodSetups).where(eq(t.paymentMethodSetups.id, id)));
  }

  async setProviderRefs(id: string, providerSessionId: string, url: string | null): Promise<void> {
    const { db, t } = this.c;
    await db.update(t.paymentMethodSetups).set({ providerSessionId, url }).where(eq(t.paymentMethodSetups.id, id));
  }

  /** OPEN -> COMPLETED, once (guard: conditional on status). */
  async complete(id: string, paymentMethodId: string, at: string): Promise<boolean> {
    const { db, t } = this.c;
    const s = t.paymentMethodSetups;
    const done = await db
      .update(s)
      .set({ status: "COMPLETED", paymentMethodId, completedAt: at })
      .where(and(eq(s.id, id), eq(s.status, "OPEN")))
      .returning({ id: s.id });
    return done.length === 1;
  }

  /** Expires open setups: the one given, or all past `now`; returns how many. */
  async expire(options: { id: string } | { scope: DueScope }): Promise<number> {
    const { db, t } = this.c;
    const s = t.paymentMethodSetups;
    const which = "id" in options ? eq(s.id, options.id) : and(lte(s.expiresAt, options.scope.now), inScope(this.c, s.accountId, options.scope));
    return (
      await db
        .update(s)
        .set({ status: "EXPIRED" })
        .where(and(eq(s.status, "OPEN"), which))
        .returning({ id: s.id })
    ).length;
  }
}
