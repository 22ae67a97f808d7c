// Entry point: configuration, the account store and the catalog, the app, graceful shutdown.
import "reflect-metadata";
import { createApp } from "./app.js";
import { systemClock } from "./clock.js";
import { seedCatalog } from "./catalog/seed.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger, type Logger } from "./logger.js";
import { openCatalogDatabase } from "./store/catalog/client.js";
import { openStore } from "./store/open.js";
import { providerSeeds } from "../seed/index.js";

let logger: Logger = createLogger();

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  logger = createLogger(config.logLevel);
  const store = await openStore(config, logger);
  const catalog = openCatalogDatabase();
  const seeded = seedCatalog(catalog, providerSeeds);
  logger.info("catalog seeded", { version: seeded.fingerprint.slice(0, 12), ...seeded.counts });

  if (!config.billing.stripe) {
    logger.warn(
      "no live payment provider: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are unset, so every LIVE account's payment is refused (PAYMENT_PROVIDER_UNAVAILABLE); TEST accounts pay through the sandbox",
    );
  }
  const app = await createApp({ store, catalog, config, logger, clock: systemClock, adminApiKey: config.adminApiKey });
  // A demo account's free credits have no place in production.
  const demo = config.nodeEnv === "production" ? null : await app.services.accountService.ensureDemoAccount();
  // Printed before listening: the keys are stored (as hashes) already, so a failed listen must not lose them.
  printFirstStartKeys(app.generatedAdminKey, demo);
  if (app.generatedAdminKey || demo) {
    logger.info("first start: keys printed once on stdout, above", { demoAccountId: demo?.accountId ?? null });
  }
  const address = await app.listen(config.port, config.host);
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  logger.info(`server ready at http://${shownHost}:${address.port}/graphql`, { port: address.port });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    try {
      await app.close();
    } finally {
      await store.close();
      catalog.close();
      logger.info("stopped");
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/**
 * Keys shown only once go to stdout as plain text, whatever LOG_LEVEL says (a key filtered out
 * by the log level is lost for good), and never into the JSON log stream, which is shipped and
 * kept where keys must not be.
 */
function printFirstStartKeys(adminKey: string | null, demo: { accountId: string; token: string } | null): void {
  if (!adminKey && !demo) return;
  const rule = "=".repeat(72);
  const lines = [rule, "First start: these keys are shown only this once. Store them now.", ""];
  if (adminKey) {
    lines.push(`  Admin API key:         ${adminKey}`, "    (generated; set ADMIN_API_KEY to choose your own)", "");
  }
  if (demo) {
    lines.push(
      `  Demo account API key:  ${demo.token}`,
      `    (a TEST account, ${demo.accountId}, with 1000 bonus U-Gen credits; try { viewer { wallets { provider { id } balance } } } with X-API-Key)`,
      "",
    );
  }
  lines.push(rule);
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((error: unknown) => {
  logger.error("failed to start", { error });
  process.exit(1);
});
