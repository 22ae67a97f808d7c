/**
 * The type checker's proof that the PostgreSQL schema mirrors the SQLite one: the same tables,
 * and for each the same row types to read and to insert. The repositories are typed on the SQLite
 * schema and run unchanged on this one, so a column that differs must fail to compile here.
 * What the databases enforce (CHECKs, indexes, keys, triggers, defaults) is compared from their
 * migrated catalogs by test/schema-mirror.test.ts.
 */
import type * as sqlite from "../sqlite/schema.js";
import type * as pg from "./schema.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Tables<S> = { [K in keyof S as S[K] extends { $inferSelect: unknown } ? K : never]: S[K] };
type RowsOf<T> = T extends { $inferSelect: infer R; $inferInsert: infer I } ? { select: R; insert: I } : never;

type Mirrors = {
  [K in keyof Tables<typeof sqlite> | keyof Tables<typeof pg>]: K extends keyof typeof sqlite
    ? K extends keyof typeof pg
      ? Same<RowsOf<(typeof sqlite)[K]>, RowsOf<(typeof pg)[K]>>
      : false
    : false;
};

/** Fails to compile, naming the table, when a table's rows differ or a table is missing on one side. */
export const schemasMirror: { [K in keyof Mirrors]: true } = {} as Mirrors;
