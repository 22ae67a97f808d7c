/** Opens the account store the configuration names: PostgreSQL with DATABASE_URL, else the embedded SQLite file. */
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { PgStore } from "./postgres/store.js";
import { SqliteStore } from "./sqlite/store.js";
import type { Store } from "./store.js";

export async function openStore(config: Pick<Config, "databasePath" | "databaseUrl" | "databasePoolSize">, logger: Logger): Promise<Store> {
  const onHookError = (error: unknown) => logger.error("a hook after a commit failed", { error });
  if (config.databaseUrl) {
    return PgStore.open(config.databaseUrl, {
      max: config.databasePoolSize,
      onHookError,
      onConnectionError: (error) => logger.warn("a PostgreSQL connection failed", { error }),
    });
  }
  return SqliteStore.open(config.databasePath, { onHookError });
}
