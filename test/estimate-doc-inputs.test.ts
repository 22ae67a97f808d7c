/**
 * Inputs the Hoox (003_…) and Creatify (002_…) documents describe, priced through `estimate`:
 * Hoox's required model, per-image models, model settings, 2K and the response's currency;
 * Creatify's token-based Text Generator and per-model Asset Generator. Assumed rates are ASSUMED.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ESTIMATE = `query ($input: EstimateInput!) {
  estimate(input: $input) {
    model { id }
    costPerGeneration totalCredits currency
    lineItems { code quantity unit unitCredits credits source }
    normalized { name requested applied }
  }
}`;

type Params = Record<string, unknown>;
const inputOf = (productId: string, parameters: Params, extra: Params) => ({
  productId,
  parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })),
  ...extra,
});

async function estimate(productId: string, parameters: Params = {}, extra: Params = {}) {
  const { body } = await server.gql(ESTIMATE, { input: inputOf(productId, parameters, extra) });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.estimate;
}

async function refusal(productId: string, parameters: Params = {}, extra: Params = {}) {
  const { body } = await server.gql(ESTIMATE, { input: inputOf(productId, parameters, extra) });
  expect(body.data?.estimate ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  const error = body.errors![0] as { message: string; extensions: Record<string, unknown> };
  expect(error.extensions.code).toBe("BAD_USER_INPUT");
  return error;
}

const lines = (result: any) => result.lineItems.map((l: any) => [l.code, l.quantity, l.unit, l.unitCredits, l.credits, l.source]);

describe("hoox: the model is required (003_…: model, required)", () => {
  it("refuses an estimate without modelId, naming modelId and the choices", async () => {
    const error = await refusal("hoox/asset-generation", { duration: 8 });
    expect(error.extensions.field).toEqual(["input", "modelId"]);
    expect(error.message).toBe("hoox/asset-generation needs a model: set modelId to one of: hoox/models/veo-3.1, hoox/models/reve-fast");
  });

  it("says so in the catalog: modelRequired, and no default model", async () => {
    const { body } = await server.gql(`{
      hoox: product(id: "hoox/asset-generation") { modelRequired defaultModel { id } models { id } }
      ugen: product(id: "ugen/video-generation") { modelRequired defaultModel { id } }
    }`);
    expect(body.data.hoox).toEqual({ modelRequired: true, defaultModel: null, models: [{ id: "hoox/models/veo-3.1" }, { id: "hoox/models/reve-fast" }] });
    expect(body.data.ugen).toEqual({ modelRequired: false, defaultModel: { id: "ugen/models/veo3_fast" } });
  });
});

describe("hoox: per-image models (image_count)", () => {
  it("prices reve-fast per image x imageCount, assumed", async () => {
    const result = await estimate("hoox/asset-generation", { imageCount: 3 }, { modelId: "reve-fast", generationCount: 2 });
    expect(result.model).toEqual({ id: "hoox/models/reve-fast" });
    expect(lines(result)).toEqual([["images", "3", "image", "4", "12", "ASSUMED"]]);
    expect([result.costPerGeneration, result.totalCredits]).toEqual(["12", "24"]);
  });

  it("prices 2K images at their own assumed rate", async () => {
    const result = await estimate("hoox/asset-generation", { imageCount: 2, resolution: "2K" }, { modelId: "reve-fast" });
    expect(lines(result)).toEqual([["images", "2", "image", "6", "12", "ASSUMED"]]);
  });

  it("needs imageCount for a per-image model, and caps it", async () => {
    const missing = await refusal("hoox/asset-generation", {}, { modelId: "reve-fast" });
    expect(missing.extensions.field).toEqual(["input", "parameters", "imageCount"]);
    const tooMany = await refusal("hoox/asset-generation", { imageCount: 11 }, { modelId: "reve-fast" });
    expect(tooMany.message).toMatch(/at most 10 images/);
  });

  it("a video model ignores imageCount: the documented 80 credits stay", async () => {
    const result = await estimate("hoox/asset-generation", { imageCount: 3 }, { modelId: "veo-3.1" });
    expect(lines(result)).toEqual([["generation", "1", "generation", "80", "80", "DOCUMENTED"]]);
  });

  it("the catalog shows reve-fast's variants as billed per image", async () => {
    const { body } = await server.gql(`{ model(id: "hoox/models/reve-fast") { variants { resolution billingUnit credits source } } }`);
    expect(body.data.model.variants).toEqual([
      { resolution: "720p", billingUnit: "PER_IMAGE", credits: "4", source: "ASSUMED" },
      { resolution: "1080p", billingUnit: "PER_IMAGE", credits: "4", source: "ASSUMED" },
      { resolution: "2K", billingUnit: "PER_IMAGE", credits: "6", source: "ASSUMED" },
    ]);
  });
});

describe("hoox: resolution 2K and model_settings.generateAudio", () => {
  it.each([
    [4, "60"],
    [8, "120"],
  ])("accepts 2K, the doc's third resolution: veo-3.1 %s s -> %s, assumed", async (duration, expected) => {
    const result = await estimate("hoox/asset-generation", { duration, resolution: "2K" }, { modelId: "veo-3.1" });
    expect(lines(result)).toEqual([["generation", "1", "generation", expected, expected, "ASSUMED"]]);
  });

  it("generateAudio adds an assumed 50% of the clip; off (the default) it is the documented price", async () => {
    const on = await estimate("hoox/asset-generation", { duration: 8, generateAudio: true }, { modelId: "veo-3.1" });
    expect(lines(on)).toEqual([
      ["generation", "1", "generation", "80", "80", "DOCUMENTED"],
      ["audio", "1", "generation", "40", "40", "ASSUMED"],
    ]);
    const off = await estimate("hoox/asset-generation", { duration: 8, generateAudio: false }, { modelId: "veo-3.1" });
    expect(off.costPerGeneration).toBe("80");
  });

  it("an image model has no audio track to charge", async () => {
    const result = await estimate("hoox/asset-generation", { imageCount: 1, generateAudio: true }, { modelId: "reve-fast" });
    expect(lines(result).map((line: unknown[]) => line[0])).toEqual(["images"]);
  });

  it("generateAudio is a boolean", async () => {
    const error = await refusal("hoox/asset-generation", { generateAudio: "yes" }, { modelId: "veo-3.1" });
    expect(error.extensions.field).toEqual(["input", "parameters", "generateAudio"]);
  });
});

describe("currency", () => {
  it.each([
    ["hoox/asset-generation", { modelId: "veo-3.1" }],
    ["ugen/video-generation", {}],
    ["samsar/chat-enhance", {}],
    ["creatify/ai-scripts", {}],
    ["subclip/text-to-speech", { parameters: [{ name: "durationSeconds", value: 30 }] }],
  ])("every estimate says its figures are in credits (%s)", async (productId, extra) => {
    const { body } = await server.gql(`query ($input: EstimateInput!) { estimate(input: $input) { currency } }`, { input: { productId, ...extra } });
    expect(body.data.estimate).toEqual({ currency: "credits" });
  });
});

describe("creatify: Text Generator is token-based (002_…)", () => {
  it.each([
    [1, "1", "1"],
    [1000, "1", "1"],
    [1001, "2", "2"],
    [2500, "3", "3"],
  ])("%s tokens -> %s started 1,000-token blocks -> %s credits, assumed", async (tokenCount, blocks, expected) => {
    const result = await estimate("creatify/text-generator", { tokenCount });
    expect(lines(result)).toEqual([["tokens", blocks, "1000-token block", "1", expected, "ASSUMED"]]);
  });

  it("needs the token count, within its cap", async () => {
    expect((await refusal("creatify/text-generator")).extensions.field).toEqual(["input", "parameters", "tokenCount"]);
    expect((await refusal("creatify/text-generator", { tokenCount: 100001 })).message).toMatch(/at most 100000 tokens/);
  });
});

describe("creatify: Asset Generator is priced per generated asset by model (002_…)", () => {
  it.each([
    ["nano-banana", 3, "12"],
    ["flux-pro-kontext", 1, "4"],
    ["veo3.1-image-to-video", 2, "128"],
  ])("%s x %s assets -> %s credits, assumed", async (model, assetCount, expected) => {
    const result = await estimate("creatify/asset-generator", { assetCount }, { modelId: model });
    expect(result.model).toEqual({ id: `creatify/models/${model}` });
    expect(result.totalCredits).toBe(expected);
    expect(result.lineItems.map((l: any) => [l.code, l.unit, l.source])).toEqual([["asset", "asset", "ASSUMED"]]);
  });

  it("defaults to its first model and refuses an unknown one, listing the choices", async () => {
    expect((await estimate("creatify/asset-generator")).model).toEqual({ id: "creatify/models/nano-banana" });
    const error = await refusal("creatify/asset-generator", {}, { modelId: "sdxl" });
    expect(error.extensions.field).toEqual(["input", "modelId"]);
    expect(error.message).toMatch(/creatify\/models\/nano-banana, creatify\/models\/flux-pro-kontext, creatify\/models\/veo3\.1-image-to-video/);
  });
});
