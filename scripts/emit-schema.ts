// Writes what is generated from the code: schema.graphql, and the README's table of error codes
// (from src/error-codes.ts). test/schema.test.ts fails when either drifts.
import { readFileSync, writeFileSync } from "node:fs";
import { errorCodesMarkdown } from "../src/error-codes.js";
import { printAppSchema } from "../src/graphql/schema.js";
import { withErrorCodesTable } from "./readme-sections.js";

writeFileSync(new URL("../schema.graphql", import.meta.url), printAppSchema());
const readme = new URL("../README.md", import.meta.url);
writeFileSync(readme, withErrorCodesTable(readFileSync(readme, "utf8"), errorCodesMarkdown()));
console.log("schema.graphql and the README's error codes written");
