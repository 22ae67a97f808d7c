// npm run account:create -- --name "Acme" [--mode test] [--credits 500 --provider ugen]
// Creates an account and its first API key in the database at DATABASE_PATH (migrated if needed)
// and prints the key, which is not shown again. Any bad argument: one line on stderr, exit code 1,
// and nothing written.
import { AccountTime } from "../src/accounts/account-time.js";
import { EventLog } from "../src/events/log.js";
import "reflect-metadata";
import { parseArgs } from "node:util";
import { providerSeeds } from "../seed/index.js";
import { WalletBook } from "../src/accounts/wallet-book.js";
import { CreditService } from "../src/accounts/grants.js";
import { CreditLedger } from "../src/accounts/ledger.js";
import { AccountService } from "../src/accounts/service.js";
import { MODES, type Mode } from "../src/accounts/modes.js";
import { systemClock } from "../src/clock.js";
import { configOrExit } from "./config.js";
import { DomainError } from "../src/errors.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { DecimalFormatError, parseDecimal } from "../src/pricing/decimal.js";

const PROVIDERS = providerSeeds.map((seed) => seed.id);
const USAGE = 'npm run account:create -- --name "Acme" [--mode live|test] [--credits 500 --provider ugen]';
const OPTIONS = {
  name: { type: "string" },
  mode: { type: "string" },
  credits: { type: "string" },
  provider: { type: "string" },
  help: { type: "boolean" },
} as const;

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
    if ((args[i] === "--name" || args[i] === "--mode" || args[i] === "--credits" || args[i] === "--provider") && next !== undefined && !next.startsWith("--")) {
      bound.push(`${args[i]}=${next}`);
      i++;
    } else {
      bound.push(args[i]);
    }
  }
  return bound;
}

function readArguments(): { name: string; mode: Mode; credits: string | undefined; provider: string | undefined } {
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
  for (const option of ["name", "mode", "credits", "provider"]) {
    const count = parsed.tokens.filter((token) => token.kind === "option" && token.name === option).length;
    if (count > 1) fail(`--${option} is given ${count} times; give it once (usage: ${USAGE})`);
  }
  if (parsed.values.name === undefined) fail(`--name is required (usage: ${USAGE})`);
  // Each provider's credits are their own currency: credits always say whose.
  if (parsed.values.credits !== undefined && parsed.values.provider === undefined)
    fail(`--credits needs --provider (one of ${PROVIDERS.join(", ")}) (usage: ${USAGE})`);
  if (parsed.values.provider !== undefined && parsed.values.credits === undefined) fail(`--provider goes with --credits (usage: ${USAGE})`);
  if (parsed.values.provider !== undefined && !PROVIDERS.includes(parsed.values.provider))
    fail(`--provider: no provider ${parsed.values.provider}; one of ${PROVIDERS.join(", ")}`);
  const mode = (parsed.values.mode ?? "live").toUpperCase();
  if (!(MODES as readonly string[]).includes(mode))
    fail(`--mode: live or test (LIVE pays through a real provider only, TEST through the sandbox); got ${parsed.values.mode}`);
  return { name: parsed.values.name, mode: mode as Mode, credits: parsed.values.credits, provider: parsed.values.provider };
}

const args = readArguments();

let amount = null;
try {
  amount = args.credits === undefined ? null : parseDecimal(args.credits);
} catch (error) {
  if (error instanceof DecimalFormatError) fail(`--credits: ${error.message}`);
  throw error;
}

const config = configOrExit(1);

let store: SqliteStore;
try {
  store = SqliteStore.open(config.databasePath);
} catch (error) {
  fail(`Cannot open the database at ${config.databasePath}: ${error instanceof Error ? error.message : String(error)}`);
}
try {
  // No ledger hooks: a new account has no alerts or top-ups to react.
  const known = (id: string) => PROVIDERS.includes(id);
  const time = new AccountTime(store.reads, systemClock);
  const credits = new CreditService(store, new WalletBook(new CreditLedger(time, []), new EventLog(systemClock)), time, known);
  const accounts = new AccountService(store, credits, time);
  // One transaction: credits that cannot be granted leave no account behind whose key was never shown.
  const created = await accounts.createAccount(args.name, amount && args.provider ? { credits: amount, provider: args.provider } : null, { mode: args.mode });
  process.stdout.write(
    `Created ${args.mode} account ${created.accountId} ("${args.name.trim()}") in ${config.databasePath}\n` +
      (amount ? `Granted ${amount.toFixed()} bonus ${args.provider} credits\n` : "") +
      `API key (shown only now): ${created.token}\n`,
  );
} catch (error) {
  if (error instanceof DomainError) fail(`${error.field?.length ? `--${error.field.at(-1)}: ` : ""}${error.message}`);
  throw error;
} finally {
  await store.close();
}
