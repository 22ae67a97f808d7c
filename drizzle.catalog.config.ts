import { defineConfig } from "drizzle-kit";

// The catalog: an embedded SQLite database of its own on every node, seeded from seed/ at start.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/catalog/schema.ts",
  out: "./drizzle/catalog",
});
