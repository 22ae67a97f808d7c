/** Accounts and their API keys: creation, key issue and revocation, authentication of requests. */
import { eq, sql } from "drizzle-orm";
import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import * as t from "../db/schema.js";
import { ErrorCode } from "../graphql/errors.js";
import { Decimal } from "../pricing/decimal.js";
import { generateAdminKey, generateApiKey, keyIdOf, matchesHash, sha256 } from "./keys.js";
import { LedgerError, type Ledger } from "./ledger.js";

export type Auth =
  | { kind: "anonymous" }
  | { kind: "invalid" }
  | { kind: "admin" }
  | { kind: "account"; accountId: string; keyId: string };

const ADMIN_KEY_HASH = "admin_key_hash";

export class AccountService {
  /** Every authenticated request looks its key up: prepared once. */
  private readonly keyById;

  constructor(
    private readonly database: Database,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private adminKeyHash: string | null = null,
  ) {
    this.keyById = database.db.select().from(t.apiKeys).where(eq(t.apiKeys.id, sql.placeholder("id"))).prepare();
  }

  private get db() {
    return this.database.db;
  }

  /**
   * Sets up the admin key: ADMIN_API_KEY when given; otherwise the one generated on an earlier
   * start; otherwise a new one, returned so that it can be printed this once.
   */
  initAdminKey(configured: string | undefined): { generated: string | null } {
    if (configured) {
      this.adminKeyHash = sha256(configured);
      return { generated: null };
    }
    const stored = this.db.select().from(t.metadata).where(eq(t.metadata.key, ADMIN_KEY_HASH)).get();
    if (stored) {
      this.adminKeyHash = stored.value;
      return { generated: null };
    }
    const token = generateAdminKey();
    this.adminKeyHash = sha256(token);
    this.db.insert(t.metadata).values({ key: ADMIN_KEY_HASH, value: this.adminKeyHash }).run();
    return { generated: token };
  }

  authenticate(token: string | null): Auth {
    if (!token) return { kind: "anonymous" };
    const keyId = keyIdOf(token);
    if (keyId) {
      const row = this.keyById.get({ id: keyId });
      if (row && row.revokedAt === null && matchesHash(token, row.keyHash)) {
        return { kind: "account", accountId: row.accountId, keyId };
      }
      return { kind: "invalid" };
    }
    if (this.adminKeyHash && matchesHash(token, this.adminKeyHash)) return { kind: "admin" };
    return { kind: "invalid" };
  }

  /** Creates an account with a first API key; the key is returned in full this once. */
  createAccount(name: string): { accountId: string; keyId: string; token: string } {
    return this.database.sqlite
      .transaction(() => {
        const account = this.ledger.createAccount(name);
        const key = this.issueKey(account.id);
        return { accountId: account.id, keyId: key.keyId, token: key.token };
      })
      .immediate();
  }

  issueKey(accountId: string): { keyId: string; token: string } {
    const exists = this.db.select({ id: t.accounts.id }).from(t.accounts).where(eq(t.accounts.id, accountId)).get();
    if (!exists) throw new LedgerError(ErrorCode.NOT_FOUND, `No account ${accountId}`, ["accountId"]);
    const key = generateApiKey();
    this.db
      .insert(t.apiKeys)
      .values({ id: key.id, accountId, keyHash: key.hash, displayPrefix: key.displayPrefix, createdAt: this.clock.now().toISOString() })
      .run();
    return { keyId: key.id, token: key.token };
  }

  /** Revokes a key; it stops authenticating with the very next request. Revoking twice is harmless. */
  revokeKey(keyId: string): void {
    const row = this.db.select().from(t.apiKeys).where(eq(t.apiKeys.id, keyId)).get();
    if (!row) throw new LedgerError(ErrorCode.NOT_FOUND, `No API key ${keyId}`, ["keyId"]);
    if (row.revokedAt === null) {
      this.db.update(t.apiKeys).set({ revokedAt: this.clock.now().toISOString() }).where(eq(t.apiKeys.id, keyId)).run();
    }
  }

  /**
   * On a database without accounts, creates a demo account with some bonus credits so that a
   * newcomer can try the account API at once. Returns its key, or null when accounts exist.
   */
  ensureDemoAccount(bonusCredits: Decimal = new Decimal(1000)): { accountId: string; token: string } | null {
    const { count } = this.db.select({ count: sql<number>`count(*)` }).from(t.accounts).get()!;
    if (count > 0) return null;
    const created = this.createAccount("Demo account");
    this.ledger.grant(created.accountId, bonusCredits, "Welcome credits for the demo account");
    return { accountId: created.accountId, token: created.token };
  }
}
