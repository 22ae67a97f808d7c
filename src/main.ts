// Entry point: configuration, database (migrated and seeded), HTTP server, graceful shutdown.
import "reflect-metadata";
import { seedCatalog } from "./catalog/seed.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { createLogger, type Logger } from "./logger.js";
import { createApp } from "./server.js";
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
  const database = openDatabase(config.databasePath);
  const seeded = seedCatalog(database, providerSeeds);
  logger.info(seeded.changed ? "catalog seeded" : "catalog up to date", {
    databasePath: config.databasePath,
    ...seeded.counts,
  });

  const app = await createApp({ database, config, logger, adminApiKey: config.adminApiKey });
  if (app.generatedAdminKey) {
    logger.info("generated the admin API key; it is shown only this once (set ADMIN_API_KEY to choose your own)", {
      adminApiKey: app.generatedAdminKey,
    });
  }
  const demo = app.services.accountService.ensureDemoAccount();
  if (demo) {
    logger.info("created a demo account with 1000 bonus credits; try { viewer { balance } } with this key", {
      accountId: demo.accountId,
      apiKey: demo.token,
    });
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
      database.close();
      logger.info("stopped");
      process.exit(0);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  logger.error("failed to start", { error: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
