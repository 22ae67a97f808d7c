// Writes schema.graphql from the code; test/schema.test.ts fails when the committed file drifts.
import { writeFileSync } from "node:fs";
import { printAppSchema } from "../src/graphql/schema.js";

writeFileSync(new URL("../schema.graphql", import.meta.url), printAppSchema());
console.log("schema.graphql written");
