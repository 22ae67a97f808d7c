/** Opens the account store the configuration names: the embedded SQLite file (the default). */
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { SqliteStore } from "./sqlite/store.js";
import type { Store } from "./store.js";

export async function openStore(config: Pick<Config, "databasePath">, logger: Logger): Promise<Store> {
  return SqliteStore.open(config.databasePath, {
    onHookError: (error) => logger.error("a hook after a commit failed", { error: error instanceof Error ? error.stack : String(error) }),
  });
}
