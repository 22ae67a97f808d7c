/**
 * Servers the benchmark drives, each in its own process (pinned to one core by bench/run.ts):
 *   graphql  the real app (production settings, logging to /dev/null) over a seeded database
 *   raw      a bare node:http server doing the same work without GraphQL:
 *            POST /catalog returns the same bytes the GraphQL catalog query returns,
 *            POST /estimate calls the same pricing function on rules loaded once,
 *            POST /job-create and /job-complete authenticate the key and run the same ledger services
 *            over the same store (group commit included).
 * The store is a SQLite file, or a PostgreSQL database when the location is a postgres:// URL.
 * Both print "PORT <n>" when listening, and the bench accounts' keys (BENCH_ACCOUNTS of them, 1 by
 * default) as "KEYS <key>,<key>…".
 */
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { presentedKey } from "../src/accounts/keys.js";
import { createCatalogLoaders } from "../src/catalog/loaders.js";
import { CatalogRepository } from "../src/catalog/repository.js";
import { systemClock } from "../src/clock.js";
import { loadPricingProduct } from "../src/estimates/service.js";
import { createServices } from "../src/services.js";
import { createLogger, silentLogger } from "../src/logger.js";
import { Decimal } from "../src/pricing/decimal.js";
import { estimate, type PricingProduct } from "../src/pricing/engine.js";
import { createApp } from "../src/app.js";
import { BENCH_ADMIN_KEY, benchCatalog, benchStore, CATALOG_QUERY } from "./fixtures.js";

const kind = process.argv[2];
// Exit normally on a signal so that --cpu-prof and similar flags can write their output.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));

const config = {
  nodeEnv: "production" as const,
  maxBodyBytes: 100 * 1024,
  shutdownTimeoutMs: 1000,
  jobTtlMs: 24 * 3600 * 1000,
  idempotencyTtlMs: 24 * 3600 * 1000,
  sweepIntervalMs: 0,
  billing: { sandboxWebhookSecret: "bench", mailFrom: "bench@localhost", checkoutTtlMs: 3600_000 },
  // The ledger-live workload's subscribers (100 on one key) and its receiver on 127.0.0.1.
  live: { maxConnectionsPerKey: 1000 },
  webhooks: { requireHttps: false, allowPrivate: true, timeoutMs: 10_000 },
};

async function main(): Promise<void> {
  const { store, apiKeys } = await benchStore(process.argv[3], Number(process.env.BENCH_ACCOUNTS ?? 1));
  const catalog = benchCatalog();
  console.log(`KEYS ${apiKeys.join(",")}`);
  if (kind === "graphql") {
    // Real logging, one JSON line per request, to /dev/null: its cost is part of the figures.
    // BENCH_LOGS=off measures without it, to see what it costs.
    const logger = process.env.BENCH_LOGS === "off" ? silentLogger : createLogger("info", pino.destination({ dest: "/dev/null", sync: true }));
    const app = await createApp({ store, catalog, config, logger, adminApiKey: BENCH_ADMIN_KEY });
    const address = await app.listen(0, "127.0.0.1");
    console.log(`PORT ${address.port}`);
    return;
  }
  if (kind !== "raw") throw new Error(`unknown server kind "${kind}" (graphql | raw)`);

  const repository = new CatalogRepository(catalog.db);
  const loaders = createCatalogLoaders(repository);
  const products = new Map<string, PricingProduct>();
  for (const provider of repository.listProviders()) {
    for (const product of repository.productsByProviderIds([provider.id]).get(provider.id) ?? []) {
      products.set(product.id, (await loadPricingProduct(loaders, product.id))!.pricing);
    }
  }
  // The exact bytes the GraphQL server answers the catalog query with.
  const app = await createApp({ store, catalog, config, logger: silentLogger, adminApiKey: BENCH_ADMIN_KEY });
  const catalogAddress = await app.listen(0, "127.0.0.1");
  const catalogBytes = Buffer.from(
    await (
      await fetch(`http://127.0.0.1:${catalogAddress.port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: CATALOG_QUERY }),
      })
    ).text(),
  );
  await app.close();

  const services = createServices({
    store,
    catalog,
    clock: systemClock,
    jobTtlMs: config.jobTtlMs,
    idempotencyTtlMs: config.idempotencyTtlMs,
    logger: silentLogger,
    billing: config.billing,
    selfUrl: () => "",
  });
  await services.accountService.initAdminKey(BENCH_ADMIN_KEY);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const reply = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
      };
      if (req.url === "/catalog") return reply(catalogBytes);
      const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (req.url === "/estimate") return reply({ data: { estimate: estimate(products.get(input.productId)!, input) } });
      const auth = await services.accountService.authenticate(presentedKey({ get: (name) => req.headers[name] as string | undefined }));
      if (auth.kind !== "account") return reply({ errors: [{ message: "unauthenticated" }] });
      if (req.url === "/job-create") {
        const { result } = await services.jobs.create(
          auth.accountId,
          { micros: 1_000_000, productId: null, providerId: "ugen", estimate: null, describe: "a job" },
          { key: null, input: {} },
        );
        return reply({ data: { jobCreate: { job: { id: result.jobId } } } });
      }
      if (req.url === "/job-complete") {
        await services.jobs.complete(auth.accountId, input.jobId, new Decimal("0.5"));
        return reply({ data: { jobComplete: { job: { id: input.jobId, status: "COMPLETED" } } } });
      }
      res.writeHead(404).end();
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
