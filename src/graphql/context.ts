import { createCatalogLoaders, type CatalogLoaders } from "../catalog/loaders.js";
import { CatalogRepository } from "../catalog/repository.js";
import type { Database } from "../db/client.js";

/** Long-lived domain services, built once per server. */
export interface Services {
  database: Database;
  catalog: CatalogRepository;
}

export function createServices(database: Database): Services {
  return { database, catalog: new CatalogRepository(database.db) };
}

/** What every resolver receives; loaders are new for each request so nothing is cached across requests. */
export interface Context {
  requestId: string;
  services: Services;
  loaders: { catalog: CatalogLoaders };
}

export function createContext(services: Services, requestId: string): Context {
  return { requestId, services, loaders: { catalog: createCatalogLoaders(services.catalog) } };
}
