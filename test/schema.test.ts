import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import codegenConfig from "../codegen.js";
import { withErrorCodesTable } from "../scripts/readme-sections.js";
import { errorCodesMarkdown } from "../src/error-codes.js";
import { appSchema, printAppSchema } from "../src/graphql/schema.js";

const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");

describe("schema.graphql", () => {
  it("is what the code generates (run `npm run schema` after changing types)", () => {
    expect(printAppSchema()).toBe(committed);
  });

  it("names no object type Subscription unless it is the schema's subscription root", () => {
    // Schema tools (codegen, graphql-inspector) read `type Subscription` as the subscription root.
    const root = appSchema().getSubscriptionType();
    if (root) expect(root.name).toBe("Subscription");
    else expect(committed).not.toMatch(/^type Subscription\b/m);
    expect(committed).toMatch(/^type PlanSubscription implements Node \{/m);
  });

  it("has no Float: money and credits are Decimal", () => {
    expect(committed).not.toMatch(/:\s*\[?Float/);
  });

  it("describes every type and field for readers of Apollo Studio", () => {
    const undocumented: string[] = [];
    const lines = committed.split("\n");
    lines.forEach((line, index) => {
      const isRootType = /^type (Query|Mutation|Subscription) \{/.test(line);
      const isDefinition = /^(type|enum|input|interface|scalar|union) /.test(line) || /^ {2}\w+(\(|:)/.test(line);
      const previous = lines[index - 1]?.trim() ?? "";
      if (isDefinition && !isRootType && !previous.endsWith('"""')) undocumented.push(line.trim());
    });
    expect(undocumented).toEqual([]);
  });

  it("gives the typed documents in test/gql/ that codegen makes from it (run `npm run codegen` after changing either)", async () => {
    const outputs = await generate({ ...codegenConfig, cwd: new URL("..", import.meta.url).pathname }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) expect(readFileSync(filename, "utf8"), filename).toBe(content);
  }, 30_000);

  it("and the README's table of error codes are what src/error-codes.ts defines (run `npm run schema`)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    expect(withErrorCodesTable(readme, errorCodesMarkdown())).toBe(readme);
    expect(committed).toContain("enum UserErrorCode {");
    for (const code of ["BAD_USER_INPUT", "PAYMENT_PROVIDER_UNAVAILABLE"]) expect(readme).toContain(`| \`${code}\` | userErrors`);
  });
});
