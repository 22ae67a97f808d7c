/**
 * Once per run: whether the PostgreSQL that TEST_DATABASE_URL names answers. Without it the
 * PostgreSQL tests are skipped with one line saying so, except in CI (CI=true), where it is required.
 */
import pg from "pg";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why PostgreSQL cannot be used, or "" when it can. */
    postgresUnavailable: string;
  }
}

const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
let reason: Promise<string> | undefined;

async function probe(): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return "";
  } catch (error) {
    return error instanceof Error ? error.message || String(error) : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const first = reason === undefined;
  reason ??= probe();
  const unavailable = await reason;
  if (unavailable && process.env.CI === "true") throw new Error(`CI requires PostgreSQL, and ${url} is unreachable: ${unavailable}`);
  if (unavailable && first) console.warn(`PostgreSQL tests skipped: ${url} is unreachable (${unavailable}). Set TEST_DATABASE_URL to run them.`);
  project.provide("postgresUnavailable", unavailable);
}
