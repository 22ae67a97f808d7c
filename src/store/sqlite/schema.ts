/** The account store's schema (SQLite): accounts and ledger, then billing. */
export * from "./schema-accounts.js";
export * from "./schema-billing.js";
