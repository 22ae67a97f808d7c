import { seedCatalog } from "../src/catalog/seed.js";
import { IN_MEMORY, openDatabase, type Database } from "../src/db/client.js";
import { providerSeeds } from "../seed/index.js";

export function freshDatabase(): Database {
  const database = openDatabase(IN_MEMORY);
  seedCatalog(database, providerSeeds);
  return database;
}

/** A representative estimate: four components, a minimum and a condition (subclip viral captions). */
export const ESTIMATE_INPUT = {
  productId: "subclip/viral-captions",
  parameters: [
    { name: "durationSeconds", value: 180 },
    { name: "faceTracking", value: true },
  ],
  generationCount: 2,
};

export const ESTIMATE_QUERY = `query Estimate($input: EstimateInput!) {
  estimate(input: $input) {
    costPerGeneration generationCount totalCredits
    lineItems { code description quantity unit unitCredits credits source }
    normalized { name requested applied }
  }
}`;
