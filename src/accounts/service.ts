/** Accounts and their API keys: creation, key issue and revocation, authentication of requests. */
import { badInput, notFound } from "../errors.js";
import { Decimal } from "../pricing/decimal.js";
import type { Store, Tx } from "../store/store.js";
import { checkText } from "./credits.js";
import type { AccountTime } from "./account-time.js";
import type { CreditService } from "./grants.js";
import { generateAdminKey, generateApiKey, keyIdOf, matchesHash, sha256 } from "./keys.js";
import { randomHex } from "../ids.js";
import type { Mode } from "./modes.js";

export type Auth = { kind: "anonymous" } | { kind: "invalid" } | { kind: "admin" } | { kind: "account"; accountId: string; keyId: string };

const ADMIN_KEY_HASH = "admin_key_hash";
const DEMO_ACCOUNT = "demo_account_id";
/** The demo account's welcome credits are U-Gen credits: its job estimate works with them at once. */
export const DEMO_PROVIDER = "ugen";

/** How a new account lives: its mode (LIVE unless said), and for a TEST account optionally the test clock it follows. */
export interface AccountTerms {
  mode?: Mode;
  testClockId?: string | null;
}

export class AccountService {
  private adminKeyHash: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly credits: CreditService,
    private readonly time: AccountTime,
  ) {}

  /**
   * Sets up the admin key: ADMIN_API_KEY when given; otherwise the one generated on an earlier
   * start; otherwise a new one, returned so that it can be printed this once. Nodes starting
   * together agree on one (guard: the metadata key's primary key); only the one whose key was
   * stored prints it.
   */
  async initAdminKey(configured: string | undefined): Promise<{ generated: string | null }> {
    if (configured) {
      this.adminKeyHash = sha256(configured);
      return { generated: null };
    }
    const stored = await this.store.reads.metadata.get(ADMIN_KEY_HASH);
    if (stored) {
      this.adminKeyHash = stored;
      return { generated: null };
    }
    const token = generateAdminKey();
    const hash = sha256(token);
    this.adminKeyHash = await this.store.transaction((tx) => tx.metadata.setOnce(ADMIN_KEY_HASH, hash));
    return { generated: this.adminKeyHash === hash ? token : null };
  }

  async authenticate(token: string | null): Promise<Auth> {
    if (!token) return { kind: "anonymous" };
    const keyId = keyIdOf(token);
    if (keyId) {
      const row = await this.store.reads.apiKeys.get(keyId);
      if (row && row.revokedAt === null && matchesHash(token, row.keyHash)) return { kind: "account", accountId: row.accountId, keyId };
      return { kind: "invalid" };
    }
    if (this.adminKeyHash && matchesHash(token, this.adminKeyHash)) return { kind: "admin" };
    return { kind: "invalid" };
  }

  /** Creates an account with a first API key (and initial credits, in the same transaction); the key is returned in full this once. */
  createAccount(
    name: string,
    initial?: { credits: Decimal; provider: string } | null,
    terms: AccountTerms = {},
  ): Promise<{ accountId: string; keyId: string; token: string }> {
    const clean = checkText(name, ["name"], "An account name");
    const mode = terms.mode ?? "LIVE";
    if (terms.testClockId != null && mode !== "TEST")
      throw badInput("Only a TEST account follows a test clock: give mode: TEST with testClockId", ["testClockId"]);
    return this.store.transaction(async (tx) => {
      let testClockId: string | null = null;
      if (terms.testClockId != null) {
        // Locked: a clock being deleted meanwhile waits for this account, then revokes its key too.
        const clock = await tx.testClocks.lock(terms.testClockId);
        if (!clock) throw notFound(`No test clock ${terms.testClockId}`, ["testClockId"]);
        if (clock.deletedAt) throw badInput(`Test clock ${clock.id} was deleted`, ["testClockId"]);
        testClockId = clock.id;
      }
      const account = await this.insertAccount(tx, clean, mode, testClockId);
      if (initial) await this.credits.bonus(tx, account.accountId, initial.provider, initial.credits, "Initial credits");
      return account;
    });
  }

  private async insertAccount(tx: Tx, name: string, mode: Mode, testClockId: string | null) {
    const id = `acct_${randomHex(8)}`;
    const createdAt = (await this.time.of({ id, testClockId }, tx)).toISOString();
    await tx.accounts.insert({ id, name, mode, testClockId, createdAt });
    const key = await this.insertKey(tx, id, mode);
    return { accountId: id, keyId: key.keyId, token: key.token };
  }

  issueKey(accountId: string): Promise<{ keyId: string; token: string }> {
    return this.store.transaction(async (tx) => {
      const account = await tx.accounts.get(accountId);
      if (!account) throw notFound(`No account ${accountId}`, ["accountId"]);
      if (account.testClockId && (await tx.testClocks.lock(account.testClockId))?.deletedAt) {
        throw badInput(`Account ${accountId} is on a deleted test clock: its keys stay revoked`, ["accountId"]);
      }
      return this.insertKey(tx, accountId, account.mode);
    });
  }

  private async insertKey(tx: Tx, accountId: string, mode: Mode) {
    const key = generateApiKey(mode);
    await tx.apiKeys.insert({ id: key.id, accountId, keyHash: key.hash, displayPrefix: key.displayPrefix, createdAt: this.time.server.now().toISOString() });
    return { keyId: key.id, token: key.token };
  }

  /** Revokes a key; it stops authenticating with the very next request. Revoking twice is harmless. */
  revokeKey(keyId: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      if (!(await tx.apiKeys.get(keyId))) throw notFound(`No API key ${keyId}`, ["keyId"]);
      await tx.apiKeys.revoke(keyId, this.time.server.now().toISOString());
    });
  }

  /**
   * On a database without accounts, creates a demo account with some bonus credits so that a
   * newcomer can try the account API at once: a TEST account, whose purchases go through the
   * sandbox (never made in production: main.ts). Returns its key, or null when accounts exist or
   * another node made the demo account (guard: the metadata key, claimed before it is made).
   */
  async ensureDemoAccount(bonusCredits: Decimal = new Decimal(1000)): Promise<{ accountId: string; token: string } | null> {
    const created = await this.store
      .transaction(async (tx) => {
        if ((await tx.accounts.count()) > 0) return null;
        const account = await this.insertAccount(tx, "Demo account", "TEST", null);
        if ((await tx.metadata.setOnce(DEMO_ACCOUNT, account.accountId)) !== account.accountId) throw new DemoAccountExists();
        await this.credits.bonus(tx, account.accountId, DEMO_PROVIDER, bonusCredits, "Welcome credits for the demo account");
        return account;
      })
      .catch((error: unknown) => {
        if (error instanceof DemoAccountExists) return null;
        throw error;
      });
    return created && { accountId: created.accountId, token: created.token };
  }
}

/** Another node made the demo account first: this transaction's account must not remain. */
class DemoAccountExists extends Error {}
