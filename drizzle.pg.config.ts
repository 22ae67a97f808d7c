import { defineConfig } from "drizzle-kit";

// The account store on PostgreSQL (DATABASE_URL): the same tables as drizzle.config.ts's SQLite ones.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/postgres/schema.ts",
  out: "./drizzle/pg",
});
