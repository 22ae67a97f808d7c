import { defineConfig } from "drizzle-kit";

// The account store on SQLite (the embedded default). The catalog has its own: drizzle.catalog.config.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/sqlite/schema.ts",
  out: "./drizzle/sqlite",
});
