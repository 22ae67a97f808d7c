/**
 * Servers the benchmark drives, each in its own process (pinned to one core by bench/run.ts):
 *   graphql  the real app over a seeded in-memory database
 *   raw      a bare node:http server calling the same pricing function on rules loaded once
 * Prints "PORT <n>" when listening.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createCatalogLoaders } from "../src/catalog/loaders.js";
import { CatalogRepository } from "../src/catalog/repository.js";
import { loadPricingProduct } from "../src/estimates/service.js";
import { silentLogger } from "../src/logger.js";
import { estimate, type PricingProduct } from "../src/pricing/engine.js";
import { createApp } from "../src/server.js";
import { freshDatabase } from "./fixtures.js";

const kind = process.argv[2];
// Exit normally on a signal so that --cpu-prof and similar flags can write their output.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
const database = freshDatabase();

async function main(): Promise<void> {
  if (kind === "graphql") {
    const app = await createApp({
      database,
      config: {
        nodeEnv: "production",
        maxBodyBytes: 100 * 1024,
        shutdownTimeoutMs: 1000,
        jobTtlMs: 24 * 3600 * 1000,
        idempotencyTtlMs: 24 * 3600 * 1000,
        sweepIntervalMs: 0,
        billing: { sandboxWebhookSecret: "bench", mailFrom: "bench@localhost", checkoutTtlMs: 3600_000 },
      },
      adminApiKey: "bench-admin-key-0123456789abcdef",
      logger: silentLogger,
    });
    const address = await app.listen(0, "127.0.0.1");
    console.log(`PORT ${address.port}`);
    return;
  }
  if (kind === "raw") {
    const repository = new CatalogRepository(database.db);
    const loaders = createCatalogLoaders(repository);
    const products = new Map<string, PricingProduct>();
    for (const provider of repository.listProviders()) {
      for (const product of repository.productsByProviderIds([provider.id]).get(provider.id) ?? []) {
        products.set(product.id, (await loadPricingProduct(loaders, product.id))!.pricing);
      }
    }
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const result = estimate(products.get(input.productId)!, input);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { estimate: result } }));
      });
    });
    server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
    return;
  }
  throw new Error(`unknown server kind "${kind}" (graphql | raw)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
