/** Accounts, their API keys, and the store's own metadata (the admin key's hash). */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { first, one, preparedQuery, type NewRow, type RepositoryContext, type Rows } from "./context.js";

const p = sql.placeholder;

export type AccountRow = Rows<"accounts">;
export type ApiKeyRow = Rows<"apiKeys">;

export class AccountRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(id: string): Promise<AccountRow | undefined> {
    const { db, t } = this.c;
    return first(
      await preparedQuery(this.c, "account", () =>
        db
          .select()
          .from(t.accounts)
          .where(eq(t.accounts.id, p("id"))),
      )({ id }),
    );
  }

  /** The account, locked until the transaction ends: its credits change only one writer at a time. */
  async lock(id: string): Promise<AccountRow | undefined> {
    const { db, t, dialect } = this.c;
    return first(
      await preparedQuery(this.c, "account_locked", () =>
        dialect.forUpdate(
          db
            .select()
            .from(t.accounts)
            .where(eq(t.accounts.id, p("id"))),
        ),
      )({ id }),
    );
  }

  async byIds(ids: readonly string[]): Promise<AccountRow[]> {
    const { db, t } = this.c;
    if (ids.length === 1) return one(await this.get(ids[0]));
    return ids.length === 0
      ? []
      : db
          .select()
          .from(t.accounts)
          .where(inArray(t.accounts.id, [...ids]));
  }

  async insert(row: NewRow<"accounts">): Promise<AccountRow> {
    const { db, t } = this.c;
    return (await db.insert(t.accounts).values(row).returning())[0];
  }

  async count(): Promise<number> {
    const { db, t } = this.c;
    return (await db.select({ count: sql<number>`count(*)`.mapWith(Number) }).from(t.accounts))[0].count;
  }

  async ids(): Promise<string[]> {
    const { db, t } = this.c;
    return (await db.select({ id: t.accounts.id }).from(t.accounts)).map((row) => row.id);
  }

  /** Writes the account's credits after its new ledger entries (the CHECK constraints refuse an overdraft). */
  async saveCredits(account: Pick<AccountRow, "id" | "balanceMicros" | "reservedMicros" | "lastSequence">): Promise<void> {
    const { db, t } = this.c;
    const save = preparedQuery(this.c, "account_save_credits", () =>
      db
        .update(t.accounts)
        .set({ balanceMicros: sql`${p("balance")}`, reservedMicros: sql`${p("reserved")}`, lastSequence: sql`${p("sequence")}` })
        .where(eq(t.accounts.id, p("id"))),
    );
    await save({ id: account.id, balance: account.balanceMicros, reserved: account.reservedMicros, sequence: account.lastSequence });
  }
}

export class ApiKeyRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(id: string): Promise<ApiKeyRow | undefined> {
    const { db, t } = this.c;
    return first(
      await preparedQuery(this.c, "api_key", () =>
        db
          .select()
          .from(t.apiKeys)
          .where(eq(t.apiKeys.id, p("id"))),
      )({ id }),
    );
  }

  async ofAccount(accountId: string): Promise<ApiKeyRow[]> {
    const { db, t } = this.c;
    return db.select().from(t.apiKeys).where(eq(t.apiKeys.accountId, accountId)).orderBy(t.apiKeys.createdAt);
  }

  async insert(row: NewRow<"apiKeys">): Promise<void> {
    const { db, t } = this.c;
    await db.insert(t.apiKeys).values(row);
  }

  /** Revokes a key that is not revoked yet (guard: conditional on revoked_at being null). */
  async revoke(id: string, at: string): Promise<void> {
    const { db, t } = this.c;
    await db
      .update(t.apiKeys)
      .set({ revokedAt: at })
      .where(and(eq(t.apiKeys.id, id), isNull(t.apiKeys.revokedAt)));
  }
}

export class MetadataRepository {
  constructor(private readonly c: RepositoryContext) {}

  async get(key: string): Promise<string | undefined> {
    const { db, t } = this.c;
    return first(await db.select({ value: t.metadata.value }).from(t.metadata).where(eq(t.metadata.key, key)))?.value;
  }

  /** Writes the value unless the key has one; returns the value that is stored now (guard: the primary key). */
  async setOnce(key: string, value: string): Promise<string> {
    const { db, t } = this.c;
    await db.insert(t.metadata).values({ key, value }).onConflictDoNothing();
    return (await this.get(key))!;
  }
}
