/**
 * Price fidelity, second pass (issue 15), through the GraphQL API: rules that round up see the
 * exact quantity; values a client computed in binary floating point are refused by a message that
 * names the rule; required lists need an item; error messages name the right input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../src/pricing/decimal.js";
import { estimate as price, type PricingProduct } from "../src/pricing/engine.js";
import { createTestAccount, startTestServer, TEST_ADMIN_KEY, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ESTIMATE = `query ($input: EstimateInput!) { estimate(input: $input) { totalCredits lineItems { code quantity credits source } } }`;
type Params = Record<string, unknown>;

async function answer(productId: string, parameters: Params, extra: Params = {}) {
  const input = { productId, parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })), ...extra };
  return (await server.gql(ESTIMATE, { input })).body;
}
async function total(productId: string, parameters: Params): Promise<string> {
  const body = await answer(productId, parameters);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.estimate.totalCredits;
}

interface ParameterInfo {
  name: string;
  type: string;
  unit: string | null;
  required: boolean;
  minimum: string | null;
  maximum: string | null;
}

describe("a sliver above a whole unit", () => {
  it.each([
    ["subclip/social-media-transcript", "60.000001", "2"],
    ["subclip/text-to-speech", "60.000001", "6"],
    ["creatify/url-to-video", "30.000001", "10"],
  ])("%s at %s s costs %s, not the whole unit's price", async (productId, seconds, expected) => {
    expect(await total(productId, { durationSeconds: seconds })).toBe(expected);
  });

  it("costs more than the whole unit, for every duration of every rounded rule, at every whole minute and block", async () => {
    const { body } = await server.gql(
      `{ providers { products { id rounding priceComponents { blockSize } parameters { name type unit required minimum maximum } } } }`,
    );
    const products: Array<{ id: string; rounding: string; priceComponents: Array<{ blockSize: string | null }>; parameters: ParameterInfo[] }> =
      body.data.providers.flatMap((p: any) => p.products);
    // Rules that round up: whole blocks, or the cost rounded up to a whole credit.
    const rounded = products.filter((p) => p.rounding === "UP" || p.priceComponents.some((c) => c.blockSize !== null));
    expect(rounded.length).toBeGreaterThanOrEqual(8);
    let swept = 0;
    for (const product of rounded) {
      for (const parameter of product.parameters.filter((p) => p.type === "DECIMAL" && p.unit === "second")) {
        // Every whole unit a rule of the catalog rounds at: 1 s, the 5 s and 30 s increments, minutes.
        for (const whole of [1, 5, 30, 60, 120, 300, 3600]) {
          if (parameter.maximum !== null && whole + 1 > Number(parameter.maximum)) continue;
          if (parameter.minimum !== null && whole < Number(parameter.minimum)) continue;
          const others = Object.fromEntries(product.parameters.filter((p) => p.required && p !== parameter).map((p) => [p.name, p.minimum ?? 1]));
          const price = (seconds: string) => total(product.id, { ...others, [parameter.name]: seconds });
          const at = Number(await price(String(whole)));
          // Where a thousandth of a second more costs more (a block or a rounding starts there, or
          // the rule is not rounded at all), a millionth more must cost more too.
          if (Number(await price(`${whole}.001`)) === at) continue;
          expect(Number(await price(`${whole}.000001`)), `${product.id} ${parameter.name} ${whole}.000001 s against ${whole} s`).toBeGreaterThan(at);
          swept++;
        }
      }
    }
    expect(swept).toBeGreaterThan(30);
  });
});

describe("values computed in binary floating point", () => {
  it("refuses 3 x 20.1 = 60.300000000000004 with a message naming the rule and how to send it", async () => {
    const body = await answer("subclip/text-to-speech", { durationSeconds: 3 * 20.1 });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "durationSeconds"] });
    expect(body.errors![0].message).toMatch(/at most 6 decimal places.*60\.300000000000004.*binary floating point.*"60\.3"/);
    // As a string, rounded to the rule's 6 places, it is priced.
    expect(await total("subclip/text-to-speech", { durationSeconds: "60.3" })).toBe("6");
  });
});

describe("error messages", () => {
  const refusal = async (productId: string, parameters: Params, extra: Params = {}) => {
    const error = (await answer(productId, parameters, extra)).errors![0] as { message: string; extensions: Record<string, unknown> };
    expect(error.extensions.code).toBe("BAD_USER_INPUT");
    return { message: error.message, field: error.extensions.field as string[] };
  };

  it("name the input at fault: Sora 2 has no hd, so resolution is, not the model", async () => {
    const wrong = await refusal("ugen/job-estimate", { segmentCount: 2, resolution: "hd" }, { modelId: "sora2" });
    expect(wrong.field).toEqual(["input", "parameters", "resolution"]);
    expect(wrong.message).toMatch(/Sora 2 has no variant with name i2v, resolution hd; it offers: i2v\/standard; t2v\/standard/);
  });

  it("write units and acronyms as a person would", async () => {
    expect((await refusal("ugen/job-estimate", { segmentCount: 2, maxKfRetries: 11 })).message).toMatch(/must be at most 10 retries; got 11/);
    expect((await refusal("subclip/ai-clipping", {})).message).toMatch(/needed to price AI clip-selection pipeline/);
    expect((await refusal("ugen/job-estimate", { segmentCount: 2, durationSeconds: 0 })).message).toMatch(/must be at least 1 second; got 0/);
  });
});

describe("what is documented, and what is assumed", () => {
  const JOB = `query ($input: JobEstimateInput!) { jobEstimate(input: $input) { totalCredits assumedCredits source lineItems { code credits source } } }`;
  const job = async (input: Params) => {
    const { body } = await server.gql(JOB, { input });
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data.jobEstimate;
  };

  it("marks a documented percentage of an assumed base ASSUMED, and of a documented base DOCUMENTED", async () => {
    const estimate = await job({
      segmentCount: 2,
      qaiEnabled: true,
      maxKfRetries: 1,
      maxVideoRetries: 1,
      humanReviewGate: true,
      hitlAnchorMaxRejections: 1,
      humanReviewVideos: true,
      hitlSegmentsMaxRejections: 1,
    });
    const source = Object.fromEntries(estimate.lineItems.map((line: any) => [line.code, line.source]));
    expect(source).toMatchObject({
      keyframes: "DOCUMENTED",
      video_segments: "ASSUMED",
      qa_keyframe_retries: "DOCUMENTED",
      qa_video_retries: "ASSUMED",
      hitl_anchor_rejections: "DOCUMENTED",
      hitl_segment_rejections: "ASSUMED",
    });
  });

  it("says how much of every default estimate is assumed, and of a documented one that none is", async () => {
    const estimate = await job({ segmentCount: 3 });
    const assumed = estimate.lineItems.filter((line: any) => line.source === "ASSUMED").reduce((total: number, line: any) => total + Number(line.credits), 0);
    expect(Number(estimate.assumedCredits)).toBe(assumed);
    expect(Number(estimate.assumedCredits)).toBeGreaterThan(0);
    expect(Number(estimate.assumedCredits)).toBeLessThan(Number(estimate.totalCredits));
    expect(estimate.source).toBe("ASSUMED");

    const documented = (
      await server.gql(
        `{ estimate(input: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: 90 }], generationCount: 2 }) { totalCredits assumedCredits source } }`,
      )
    ).body.data.estimate;
    expect(documented).toEqual({ totalCredits: "16", assumedCredits: "0", source: "DOCUMENTED" });
    const multiplied = (
      await server.gql(
        `{ estimate(input: { productId: "samsar/text-to-video", modelId: "hunyuan", generationCount: 2 }) { totalCredits assumedCredits source } }`,
      )
    ).body.data.estimate;
    expect(multiplied).toEqual({ totalCredits: "300", assumedCredits: "300", source: "ASSUMED" });
  });
});

describe("lists and bounds", () => {
  it.each([
    ["samsar/join-videos", { sessionDurationsSeconds: [] }, "sessionDurationsSeconds"],
    ["samsar/add-image-set", { imageUrls: [] }, "imageUrls"],
    ["samsar/image-list-to-video", { imageUrls: [] }, "imageUrls"],
  ])("%s refuses an empty list instead of pricing it at 0", async (productId, parameters, name) => {
    const body = await answer(productId, parameters);
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", name] });
    expect(body.errors![0].message).toMatch(/needs at least 1 item; got 0/);
  });

  it("says for every parameter with bounds where they come from, and every list has a maximum", async () => {
    const { body } = await server.gql(
      `{ providers { products { id parameters { name type minimum maximum minItems maxItems boundsSource boundsNote assumedValues allowedValues } } } }`,
    );
    const parameters = body.data.providers.flatMap((p: any) =>
      p.products.flatMap((product: any) => product.parameters.map((q: any) => ({ ...q, product: product.id }))),
    );
    for (const parameter of parameters) {
      const where = `${parameter.product} ${parameter.name}`;
      const bounded = parameter.minimum !== null || parameter.maximum !== null || parameter.maxItems !== null;
      expect(parameter.boundsSource !== null, where).toBe(bounded);
      if (bounded) expect(parameter.boundsNote?.length, where).toBeGreaterThan(20);
      if (parameter.type.endsWith("_LIST")) expect([parameter.minItems, parameter.maxItems !== null], where).toEqual([1, true]);
      for (const value of parameter.assumedValues) expect(parameter.allowedValues, where).toContain(value);
    }
    const segments = parameters.find((q: any) => q.product === "ugen/job-estimate" && q.name === "segmentCount");
    expect(segments).toMatchObject({ boundsSource: "ASSUMED", boundsNote: expect.stringMatching(/100 segments/) });
  });

  it("marks the U-Gen models and values the document does not name ASSUMED", async () => {
    const { body } = await server.gql(`{ product(id: "ugen/job-estimate") { models { id source note } parameters { name assumedValues } } }`);
    const models = Object.fromEntries(body.data.product.models.map((model: any) => [model.id, model.source]));
    expect(models).toEqual({
      "ugen/models/veo3_fast": "DOCUMENTED",
      "ugen/models/veo3": "ASSUMED",
      "ugen/models/sora2": "ASSUMED",
      "ugen/models/kling_v2_5_turbo": "ASSUMED",
    });
    const assumed = Object.fromEntries(body.data.product.parameters.filter((q: any) => q.assumedValues.length > 0).map((q: any) => [q.name, q.assumedValues]));
    expect(assumed).toEqual({ variant: ["t2v"], resolution: ["hd"], captionStyle: ["none"] });
  });
});

describe("short inputs the documents price", () => {
  it.each([
    ["creatify/aurora", "1"],
    ["creatify/aurora-fast", "0.5"],
  ])("prices half a second of %s as one started second: %s", async (productId, expected) => {
    expect(await total(productId, { durationSeconds: "0.5" })).toBe(expected);
  });

  it("prices half a second of Subclip text to speech at its 1-credit minimum, and refuses no length at all", async () => {
    expect(await total("subclip/text-to-speech", { durationSeconds: "0.5" })).toBe("1");
    const body = await answer("subclip/text-to-speech", { durationSeconds: 0 });
    expect(body.errors![0].message).toMatch(/must be at least 0.000001 seconds; got 0/);
  });
});

describe("a U-Gen credit's documented value, and what the account's credits cost it", () => {
  it("shows both, for the wallet and for an estimate, at the grants' cost basis in spending order", async () => {
    const account = await createTestAccount(server, "Two prices");
    // The Creator pack: 1000 credits for $45, bought through the sandbox's page (4.5 cents a credit).
    const opened = await server.gql(
      `mutation { checkoutSessionCreate(input: { packId: "ugen/packs/creator" }) { checkoutSession { url } } }`,
      undefined,
      account.key,
    );
    const url = opened.body.data.checkoutSessionCreate.checkoutSession.url;
    expect((await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "action=pay" })).status).toBe(200);
    // 100 promotional credits (a bonus, spent first: they cost nothing).
    await server.gql(
      `mutation { creditsGrant(input: { accountId: "${account.accountId}", provider: "ugen", credits: "100", reason: "welcome" }) { userErrors { code } } }`,
      undefined,
      { "x-api-key": TEST_ADMIN_KEY },
    );

    const wallet = (
      await server.gql(
        `{ viewer { wallet(provider: "ugen") { available availableValue { amount currency } availableCostBasis { amount currency } } } }`,
        undefined,
        account.key,
      )
    ).body.data.viewer.wallet;
    expect(wallet).toEqual({ available: "1100", availableValue: { amount: "11", currency: "USD" }, availableCostBasis: { amount: "45", currency: "USD" } });

    const PRICE = `{ jobEstimate(input: { segmentCount: 3 }) { totalCredits totalPrice { amount } totalCostBasis { amount currency } } }`;
    const mine = (await server.gql(PRICE, undefined, account.key)).body.data.jobEstimate;
    // 100 promotional credits at 0, the rest at $0.045; beside the documented $0.01 a credit.
    const credits = Number(mine.totalCredits);
    expect(mine.totalPrice.amount).toBe(String(credits / 100));
    expect(mine.totalCostBasis).toEqual({ amount: String(Math.round((credits - 100) * 45) / 1000), currency: "USD" });
    // Without a key there is no account to ask: the documented value only.
    expect((await server.gql(PRICE)).body.data.jobEstimate.totalCostBasis).toBeNull();
  });
});

describe("exact arithmetic inside the engine", () => {
  // No seeded rule divides by 60 and then multiplies by 3, but a future one may: 100 s is exactly
  // 5/3 minutes, and 5/3 x 3 must be 5, not the 5.000001 (or 6 blocks) that a rounded 1.66…67 gives.
  const thirds: PricingProduct = {
    id: "test/thirds",
    parameters: [
      { name: "seconds", type: "DECIMAL", required: true, snapsToAllowedValue: false, minimum: new Decimal("0.000001"), maximum: new Decimal(86400) },
    ],
    components: [
      {
        code: "minutes",
        description: "Minutes at 3 credits",
        unit: "minute",
        quantity: { div: [{ param: "seconds" }, { const: "60" }] },
        rate: { credits: "3" },
        source: "DOCUMENTED",
      },
      {
        code: "thirds",
        description: "Started thirds",
        unit: "third",
        quantity: { mul: [{ div: [{ param: "seconds" }, { const: "60" }] }, { const: "3" }] },
        block: { size: "1", rounding: "UP" },
        rate: { credits: "1" },
        source: "DOCUMENTED",
      },
    ],
    minimumCredits: null,
    rounding: null,
    models: [],
    defaultModelId: null,
    fixedModels: [],
    modelRequired: false,
  };
  it("keeps a quotient's rounded last digit out of credits and blocks", () => {
    const at = (seconds: string) => price(thirds, { parameters: [{ name: "seconds", value: seconds }] }).lineItems.map((line) => line.credits.toFixed());
    expect(at("100")).toEqual(["5", "5"]);
    expect(at("100.000001")).toEqual(["5.000001", "6"]);
  });
});
