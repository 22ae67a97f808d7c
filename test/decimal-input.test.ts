/**
 * Decimal text has one grammar everywhere a client writes it, -?digits[.digits]: the Decimal scalar
 * from variables and from literals, and a pricing parameter's value given as text. No spaces, plus
 * sign, leading or trailing point, or exponent; "-0" is zero. The refusal names the grammar and
 * changes nothing. JSON numbers keep their rules (integers for Decimal; at most 6 places for a
 * parameter).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../src/pricing/decimal.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestAccount, type TestServer } from "./helpers.js";

const admin = { "x-api-key": TEST_ADMIN_KEY };
const GRAMMAR = /-\?digits\[\.digits\].*no spaces, plus sign, leading or trailing point, or exponent/;
const REFUSED = [" 5 ", "5 ", " 5", "+5", ".5", "5.", "5e2", "1E3", "", "-", "--5", "5.5.5", "0x10", "5,5", "Infinity", "NaN", "٥"];
const GRANT = `mutation ($id: ID!, $credits: Decimal!) { creditsGrant(input: { accountId: $id, provider: "ugen", credits: $credits, reason: "grammar" }) { userErrors { code } } }`;
const ESTIMATE = `query ($input: EstimateInput!) { estimate(input: $input) { totalCredits } }`;
const speech = (durationSeconds: unknown) => ({
  input: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: durationSeconds }] },
});

let server: TestServer;
let buyer: TestAccount;
beforeAll(async () => {
  server = await startTestServer();
  buyer = await createTestAccount(server, "Grammar", "0");
});
afterAll(() => server?.close());

const available = async () => (await server.gql(`{ viewer { available(provider: "ugen") } }`, undefined, buyer.key)).body.data.viewer.available;

describe("the Decimal scalar", () => {
  it.each(REFUSED)("refuses %j from a variable, naming the grammar, and changes nothing", async (text) => {
    const before = await available();
    const { status, body } = await server.gql(GRANT, { id: buyer.accountId, credits: text }, admin);
    expect({ status, codes: body.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 400, codes: ["BAD_USER_INPUT"] });
    expect(body.errors![0].message).toMatch(GRAMMAR);
    expect(await available()).toBe(before);
  });

  it.each(REFUSED)("refuses %j as a literal, naming the grammar", async (text) => {
    const { status, body } = await server.gql(
      `mutation { creditsGrant(input: { accountId: "${buyer.accountId}", provider: "ugen", credits: ${JSON.stringify(text)}, reason: "grammar" }) { userErrors { code } } }`,
      undefined,
      admin,
    );
    expect({ status, codes: body.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 400, codes: ["GRAPHQL_VALIDATION_FAILED"] });
    expect(body.errors![0].message).toMatch(GRAMMAR);
  });

  it("takes digits with an optional minus and point, and JSON integers; floats stay refused", async () => {
    const before = await available();
    for (const credits of ["5", "0.25", "007", "1.000001", 3])
      expect((await server.gql(GRANT, { id: buyer.accountId, credits }, admin)).body.data.creditsGrant.userErrors).toEqual([]);
    expect(await available()).toBe(new Decimal(before).plus("16.250001").toFixed());
    const float = await server.gql(GRANT, { id: buyer.accountId, credits: 2.5 }, admin);
    expect(float.body.errors![0].message).toMatch(/floats|got 2\.5/);
  });

  it('reads "-0" as zero, never as a negative number', async () => {
    const job = (await server.gql(`mutation { jobCreate(input: { credits: "1" }) { job { id } } }`, undefined, buyer.key)).body.data.jobCreate.job;
    const done = await server.gql(
      `mutation ($id: ID!, $c: Decimal!) { jobComplete(input: { jobId: $id, consumedCredits: $c }) { job { status consumedCredits } userErrors { code message } } }`,
      { id: job.id, c: "-0" },
      buyer.key,
    );
    expect(done.body.data.jobComplete).toEqual({ job: { status: "COMPLETED", consumedCredits: "0" }, userErrors: [] });
  });
});

describe("a pricing parameter given as text", () => {
  it.each([" 5 ", "+5", ".5", "5.", "5e2"])("refuses %j, naming the grammar", async (text) => {
    const { body } = await server.gql(ESTIMATE, speech(text));
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "durationSeconds"] });
    expect(body.errors![0].message).toMatch(GRAMMAR);
  });

  it("prices text of the grammar as the same JSON number", async () => {
    const asNumber = (await server.gql(ESTIMATE, speech(5.5))).body.data.estimate.totalCredits;
    expect((await server.gql(ESTIMATE, speech("5.5"))).body.data.estimate.totalCredits).toBe(asNumber);
  });
});
