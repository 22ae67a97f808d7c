/**
 * Column types the PostgreSQL schema shares. Amounts are int8 micros; node-postgres returns int8
 * as a string, which `micros` turns into a number only when it is exact (a safe integer), so no
 * amount is ever rounded on its way out of the database. Self-contained (drizzle-kit loads it).
 */
import { sql } from "drizzle-orm";
import { customType, text } from "drizzle-orm/pg-core";

/** An int8 read back as an exact JavaScript integer (or an error, never a rounded number). */
export const micros = customType<{ data: number; driverData: string | number }>({
  dataType: () => "bigint",
  fromDriver(value) {
    const parsed = typeof value === "number" ? value : Number(value);
    if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} is beyond exact integers`);
    return parsed;
  },
});

/** The same instant text SQLite's default writes: ISO 8601 in UTC with milliseconds. */
export const nowText = sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export const createdAt = () => text("created_at").notNull().default(nowText);
