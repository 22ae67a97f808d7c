// npm run audit
// Checks every wallet of every account in the store that DATABASE_URL (PostgreSQL) or
// DATABASE_PATH (SQLite) names against its ledger entries, grants, holds and jobs (the invariants
// of src/accounts/audit.ts, which the tests check after every step). Safe beside running servers:
// it reads, each account in one snapshot, and writes nothing. Prints one line per problem, naming
// the wallet, then a summary. Exit code 0: no problem; 1: problems found; 2: it could not audit.
import "reflect-metadata"; // config.ts reaches GraphQL types, whose decorators need it first
import { auditAccount } from "../src/accounts/audit.js";
import { configOrExit } from "./config.js";
import { describeStore, openSnapshots } from "../src/store/open.js";

async function main(): Promise<number> {
  const config = configOrExit(2);
  const where = describeStore(config);
  try {
    const snapshots = await openSnapshots(config);
    try {
      const accounts = await snapshots.read((reads) => reads.accounts.ids());
      let wallets = 0;
      let problems = 0;
      for (const accountId of accounts) {
        const found = await snapshots.read(async (reads) => {
          wallets += (await reads.wallets.ofAccount(accountId)).length;
          return auditAccount(reads, accountId);
        });
        for (const problem of found) process.stdout.write(`problem: ${problem}\n`);
        problems += found.length;
      }
      const verdict = problems === 0 ? "no problems" : `${problems} problem(s)`;
      process.stdout.write(`audit: ${where}: ${accounts.length} account(s), ${wallets} wallet(s) checked, ${verdict}\n`);
      return problems === 0 ? 0 : 1;
    } finally {
      await snapshots.close();
    }
  } catch (error) {
    process.stderr.write(`audit: ${where}: could not audit: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

process.exitCode = await main();
