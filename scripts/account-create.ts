// npm run account:create -- --name "Acme" [--credits 500]
// Creates an account and its first API key in the database at DATABASE_PATH (migrated if needed)
// and prints the key, which is not shown again.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { LedgerError } from "../src/accounts/ledger.js";
import { systemClock } from "../src/clock.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/client.js";
import { silentLogger } from "../src/logger.js";
import { createServices } from "../src/graphql/context.js";
import { DecimalFormatError, parseDecimal } from "../src/pricing/decimal.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const { values } = parseArgs({
  options: { name: { type: "string" }, credits: { type: "string" } },
  strict: true,
});
if (!values.name) fail('Usage: npm run account:create -- --name "Acme" [--credits 500]');

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

let credits = null;
try {
  credits = values.credits === undefined ? null : parseDecimal(values.credits);
} catch (error) {
  if (error instanceof DecimalFormatError) fail(`--credits: ${error.message}`);
  throw error;
}

const database = openDatabase(config.databasePath);
try {
  const services = createServices(database, {
    clock: systemClock,
    jobTtlMs: config.jobTtlMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    logger: silentLogger,
    billing: config.billing,
    selfUrl: () => "",
  });
  const created = services.accountService.createAccount(values.name);
  if (credits) services.ledger.grant(created.accountId, credits, "Initial credits");
  process.stdout.write(
    `Created account ${created.accountId} ("${values.name.trim()}") in ${config.databasePath}\n` +
      (values.credits ? `Granted ${values.credits} bonus credits\n` : "") +
      `API key (shown only now): ${created.token}\n`,
  );
} catch (error) {
  if (error instanceof LedgerError) fail(error.message);
  throw error;
} finally {
  database.close();
}
