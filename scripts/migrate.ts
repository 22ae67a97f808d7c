// npm run migrate
// Applies the pending migrations of the account store that DATABASE_URL (PostgreSQL) or
// DATABASE_PATH (SQLite) names, as the server does at start, then exits: for deploys that migrate
// once before starting nodes. Prints one line; exit code 0 when the database is up to date after
// it, 1 when the configuration or a migration fails (nothing of a failed run is applied).
import "reflect-metadata"; // config.ts reaches GraphQL types, whose decorators need it first
import { configOrExit } from "./config.js";
import { describeStore, migrateStore } from "../src/store/open.js";

async function main(): Promise<number> {
  const config = configOrExit(1);
  try {
    const { applied, known } = await migrateStore(config);
    const what = applied === 0 ? "already up to date" : `${applied} migration(s) applied`;
    process.stdout.write(`migrate: ${describeStore(config)}: ${what} (${known} in this build)\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`migrate: ${describeStore(config)}: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main();
