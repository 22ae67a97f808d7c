/** The account store's schema (SQLite): accounts and ledger, wallets and grants, then billing. */
export * from "./schema-accounts.js";
export * from "./schema-wallets.js";
export * from "./schema-billing.js";
export * from "./schema-events.js";
