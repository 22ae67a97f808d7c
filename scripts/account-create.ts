// npm run account:create -- --name "Acme" [--credits 500]
// Creates an account and its first API key in the database at DATABASE_PATH (migrated if needed)
// and prints the key, which is not shown again. Any bad argument: one line on stderr, exit code 1,
// and nothing written.
import "reflect-metadata";
import { parseArgs } from "node:util";
import { CreditService } from "../src/accounts/grants.js";
import { CreditLedger } from "../src/accounts/ledger.js";
import { AccountService } from "../src/accounts/service.js";
import { systemClock } from "../src/clock.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { DomainError } from "../src/errors.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { DecimalFormatError, parseDecimal } from "../src/pricing/decimal.js";

const USAGE = 'npm run account:create -- --name "Acme" [--credits 500]';
const OPTIONS = { name: { type: "string" }, credits: { type: "string" }, help: { type: "boolean" } } as const;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * The word after --name or --credits is its value even when it starts with a dash, so that
 * `--credits -5` is refused for being negative rather than as an option parseArgs cannot read.
 */
function bindValues(args: string[]): string[] {
  const bound: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if ((args[i] === "--name" || args[i] === "--credits") && next !== undefined && !next.startsWith("--")) {
      bound.push(`${args[i]}=${next}`);
      i++;
    } else {
      bound.push(args[i]);
    }
  }
  return bound;
}

function readArguments(): { name: string; credits: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args: bindValues(process.argv.slice(2)), options: OPTIONS, strict: true, tokens: true });
  } catch (error) {
    // parseArgs' own messages name the argument; their first sentence is enough on one line.
    const message = error instanceof Error ? error.message.split(/[.\n]/)[0] : String(error);
    fail(`${message} (usage: ${USAGE})`);
  }
  if (parsed.values.help) {
    process.stdout.write(`Usage: ${USAGE}\n`);
    process.exit(0);
  }
  for (const option of ["name", "credits"]) {
    const count = parsed.tokens.filter((token) => token.kind === "option" && token.name === option).length;
    if (count > 1) fail(`--${option} is given ${count} times; give it once (usage: ${USAGE})`);
  }
  if (parsed.values.name === undefined) fail(`--name is required (usage: ${USAGE})`);
  return { name: parsed.values.name, credits: parsed.values.credits };
}

const args = readArguments();

let credits = null;
try {
  credits = args.credits === undefined ? null : parseDecimal(args.credits);
} catch (error) {
  if (error instanceof DecimalFormatError) fail(`--credits: ${error.message}`);
  throw error;
}

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

let store: SqliteStore;
try {
  store = SqliteStore.open(config.databasePath);
} catch (error) {
  fail(`Cannot open the database at ${config.databasePath}: ${error instanceof Error ? error.message : String(error)}`);
}
try {
  // No ledger hooks: a new account has no alerts or top-ups to react.
  const accounts = new AccountService(store, new CreditService(store, new CreditLedger(systemClock, []), systemClock), systemClock);
  // One transaction: credits that cannot be granted leave no account behind whose key was never shown.
  const created = await accounts.createAccount(args.name, credits);
  process.stdout.write(
    `Created account ${created.accountId} ("${args.name.trim()}") in ${config.databasePath}\n` +
      (credits ? `Granted ${credits.toFixed()} bonus credits\n` : "") +
      `API key (shown only now): ${created.token}\n`,
  );
} catch (error) {
  if (error instanceof DomainError) fail(`${error.field?.length ? `--${error.field.at(-1)}: ` : ""}${error.message}`);
  throw error;
} finally {
  await store.close();
}
