/**
 * Bad input to `estimate` and `jobEstimate` gets a BAD_USER_INPUT error naming the field: never a
 * 500, never a silent default. And the U-Gen job estimate with its defaults and every component.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const ESTIMATE = `query ($input: EstimateInput!) { estimate(input: $input) { totalCredits } }`;
const JOB = `query ($input: JobEstimateInput!) {
  jobEstimate(input: $input) {
    product { id } model { id } totalCredits totalPrice { amount currency }
    lineItems { code quantity unit unitCredits credits source }
  }
}`;

async function estimateError(input: Record<string, unknown>) {
  const { status, body } = await server.gql(ESTIMATE, { input });
  expect(body.data?.estimate ?? null).toBeNull();
  expect(body.errors, JSON.stringify(input)).toHaveLength(1);
  return { status, error: body.errors![0] };
}

const withParameter = (productId: string, name: string, value: unknown) => ({
  productId,
  parameters: [{ name, value }],
});

describe("estimate: bad input", () => {
  it.each([
    ["negative duration", withParameter("subclip/text-to-speech", "durationSeconds", -5), "durationSeconds", /at least 0.000001 seconds/],
    ["zero duration", withParameter("subclip/text-to-speech", "durationSeconds", 0), "durationSeconds", /at least 0.000001 seconds/],
    ["over 24 h of video", withParameter("creatify/url-to-video", "durationSeconds", 86401), "durationSeconds", /at most 86400/],
    ["10,001 images", withParameter("samsar/add-image-set", "numImages", 10001), "numImages", /at most 10000/],
    ["a string for a number", withParameter("subclip/text-to-speech", "durationSeconds", "long"), "durationSeconds", /must be a number/],
    ["a boolean for a number", withParameter("subclip/text-to-speech", "durationSeconds", true), "durationSeconds", /must be a number/],
    ["an exponent", withParameter("subclip/text-to-speech", "durationSeconds", "1e3"), "durationSeconds", /must be a number/],
    ["a fraction for a whole number", withParameter("samsar/add-image-set", "numImages", 2.5), "numImages", /whole number/],
    ["too many decimal places", withParameter("subclip/text-to-speech", "durationSeconds", "1.1234567"), "durationSeconds", /6 decimal places/],
    ["a number for a boolean", withParameter("subclip/text-to-speech", "voiceClone", 1), "voiceClone", /true or false/],
    ["an unknown option", withParameter("samsar/image-enhance", "resolution", "8k"), "resolution", /one of "1k", "2k", "4k"/],
    ["a list that is not a list", withParameter("samsar/join-videos", "sessionDurationsSeconds", 30), "sessionDurationsSeconds", /must be a list/],
    ["a bad list item", withParameter("samsar/join-videos", "sessionDurationsSeconds", [30, "x"]), "sessionDurationsSeconds", /must be a number/],
    ["too many list items", withParameter("samsar/join-videos", "sessionDurationsSeconds", Array(101).fill(1)), "sessionDurationsSeconds", /at most 100 items/],
    ["an unknown parameter", withParameter("subclip/text-to-speech", "speed", 2), "speed", /Unknown parameter "speed".*durationSeconds, voiceClone/],
    [
      "a parameter given twice",
      {
        productId: "subclip/text-to-speech",
        parameters: [
          { name: "durationSeconds", value: 30 },
          { name: "durationSeconds", value: 60 },
        ],
      },
      "durationSeconds",
      /twice/,
    ],
    ["a missing required parameter", { productId: "subclip/text-to-speech" }, "durationSeconds", /required/],
    ["a missing count and list", { productId: "samsar/add-image-set" }, "numImages", /"numImages" or "imageUrls"/],
    ["a parameter for a product without any", withParameter("samsar/chat-enhance", "x", 1), "x", /takes no parameters/],
  ])("%s", async (_label, input, field, message) => {
    const { status, error } = await estimateError(input);
    expect(status).toBe(200);
    expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", field: ["input", "parameters", field] });
    expect(error.message).toMatch(message);
  });

  it.each([
    ["an unknown product", { productId: "samsar/nope" }, ["productId"], /Unknown product "samsar\/nope"/],
    ["an unknown model", { productId: "samsar/text-to-video", modelId: "gpt-video" }, ["modelId"], /Unknown model "gpt-video".*choose one of/],
    ["a model for a product without models", { productId: "samsar/chat-enhance", modelId: "sora2" }, ["modelId"], /not priced by model/],
    [
      "a model without the requested variant",
      { productId: "ugen/video-generation", modelId: "sora2", parameters: [{ name: "resolution", value: "hd" }] },
      ["parameters", "resolution"],
      /Sora 2 has no variant with name i2v, resolution hd/,
    ],
    ["zero generations", { productId: "samsar/chat-enhance", generationCount: 0 }, ["generationCount"], /from 1 to 100/],
    ["too many generations", { productId: "samsar/chat-enhance", generationCount: 101 }, ["generationCount"], /from 1 to 100/],
  ])("%s", async (_label, input, field, message) => {
    const { error } = await estimateError(input);
    expect(error.extensions).toEqual({ code: "BAD_USER_INPUT", field: ["input", ...field] });
    expect(error.message).toMatch(message);
  });

  it("refuses a Float literal of 1e999 (it arrives as Infinity)", async () => {
    const { body } = await server.gql(
      `{ estimate(input: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: 1e999 }] }) { totalCredits } }`,
    );
    expect(body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field: ["input", "parameters", "durationSeconds"] });
    expect(body.errors![0].message).toMatch(/finite/);
  });

  it("refuses a wrongly typed generationCount at validation, with a 400", async () => {
    const { status } = await server.gql(ESTIMATE, { input: { productId: "samsar/chat-enhance", generationCount: "two" } });
    expect(status).toBe(400);
  });

  it("accepts numbers sent as strings, as forms send them", async () => {
    const { body } = await server.gql(ESTIMATE, { input: withParameter("subclip/text-to-speech", "durationSeconds", "60") });
    expect(body.data.estimate.totalCredits).toBe("5");
  });
});

describe("jobEstimate", () => {
  it("prices the doc's example body component by component", async () => {
    const { body } = await server.gql(JOB, {
      input: {
        segmentCount: 3,
        modelId: "veo3_fast",
        variant: "i2v",
        durationSeconds: 8,
        resolution: "standard",
        keyframeResolution: "1k",
        musicEnabled: true,
        voiceEnabled: true,
      },
    });
    expect(body.errors).toBeUndefined();
    const job = body.data.jobEstimate;
    expect(job.product.id).toBe("ugen/job-estimate");
    expect(job.model.id).toBe("ugen/models/veo3_fast");
    expect(job.lineItems).toEqual([
      { code: "keyframes", quantity: "4", unit: "keyframe", unitCredits: "8", credits: "32", source: "DOCUMENTED" },
      { code: "video_segments", quantity: "3", unit: "segment", unitCredits: "40", credits: "120", source: "ASSUMED" },
      { code: "captions", quantity: "3", unit: "segment", unitCredits: "1", credits: "3", source: "ASSUMED" },
      { code: "music", quantity: "1", unit: "job", unitCredits: "5", credits: "5", source: "ASSUMED" },
      { code: "voice", quantity: "3", unit: "segment", unitCredits: "2", credits: "6", source: "ASSUMED" },
    ]);
    expect(job.totalCredits).toBe("166");
    expect(job.totalPrice).toEqual({ amount: "1.66", currency: "USD" });
  });

  it("applies the body's defaults: veo3_fast, i2v, 8 s, standard, 1k, captions and music on, voice off", async () => {
    const { body } = await server.gql(JOB, { input: { segmentCount: 1 } });
    const job = body.data.jobEstimate;
    expect(job.model.id).toBe("ugen/models/veo3_fast");
    expect(job.lineItems.map((l: any) => [l.code, l.credits])).toEqual([
      ["keyframes", "16"],
      ["video_segments", "40"],
      ["captions", "1"],
      ["music", "5"],
    ]);
  });

  it("bills Kling per second: credits x duration x segments", async () => {
    const { body } = await server.gql(JOB, {
      input: { segmentCount: 2, modelId: "kling_v2_5_turbo", durationSeconds: 5, captionStyle: "none", musicEnabled: false },
    });
    const video = body.data.jobEstimate.lineItems.find((l: any) => l.code === "video_segments");
    expect(video).toMatchObject({ quantity: "10", unit: "second", unitCredits: "7", credits: "70" });
  });

  it("budgets QA retries at 50% and review rejections at 100% of their stage per attempt", async () => {
    const { body } = await server.gql(JOB, {
      input: {
        segmentCount: 3,
        captionStyle: "none",
        musicEnabled: false,
        qaiEnabled: true,
        maxKfRetries: 2,
        maxVideoRetries: 1,
        humanReviewGate: true,
        hitlAnchorMaxRejections: 1,
        humanReviewVideos: true,
        hitlSegmentsMaxRejections: 2,
      },
    });
    expect(body.data.jobEstimate.lineItems.map((l: any) => [l.code, l.quantity, l.unitCredits, l.credits])).toEqual([
      ["keyframes", "4", "8", "32"],
      ["video_segments", "3", "40", "120"],
      ["qa_keyframe_retries", "2", "16", "32"],
      ["qa_video_retries", "1", "60", "60"],
      ["hitl_anchor_rejections", "1", "32", "32"],
      ["hitl_segment_rejections", "2", "120", "240"],
    ]);
    expect(body.data.jobEstimate.totalCredits).toBe("516");
  });

  it("ignores retry budgets while QA is off, and a custom voice without a voice-over", async () => {
    const { body } = await server.gql(JOB, { input: { segmentCount: 1, maxKfRetries: 3, customVoice: true } });
    const codes = body.data.jobEstimate.lineItems.map((l: any) => l.code);
    expect(codes).not.toContain("qa_keyframe_retries");
    expect(codes).not.toContain("custom_voice");
  });

  it("charges a custom voice once when the voice-over is on", async () => {
    const { body } = await server.gql(JOB, { input: { segmentCount: 2, voiceEnabled: true, customVoice: true } });
    const line = body.data.jobEstimate.lineItems.find((l: any) => l.code === "custom_voice");
    expect(line).toMatchObject({ quantity: "1", credits: "10" });
  });

  it.each([
    [{ segmentCount: 0 }, ["segmentCount"], /at least 1/],
    [{ segmentCount: -1 }, ["segmentCount"], /at least 1/],
    [{ segmentCount: 101 }, ["segmentCount"], /at most 100/],
    [{ segmentCount: 1, durationSeconds: 0 }, ["durationSeconds"], /at least 1/],
    [{ segmentCount: 1, keyframeResolution: "8k" }, ["keyframeResolution"], /one of/],
    [{ segmentCount: 1, variant: "v2v" }, ["variant"], /one of "i2v", "t2v"/],
    [{ segmentCount: 1, maxKfRetries: 11 }, ["maxKfRetries"], /at most 10/],
    [{ segmentCount: 1, modelId: "nanobanana_2" }, ["modelId"], /Unknown model/],
    [{ segmentCount: 1, modelId: "sora2", resolution: "hd" }, ["resolution"], /no variant/],
  ])("refuses %j naming the field", async (input, field, message) => {
    const { body } = await server.gql(JOB, { input });
    expect(body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field: ["input", ...field] });
    expect(body.errors![0].message).toMatch(message);
  });

  it("requires segmentCount at validation (400)", async () => {
    const { status, body } = await server.gql(JOB, { input: {} });
    expect(status).toBe(400);
    expect(body.errors![0].message).toMatch(/segmentCount/);
  });
});

describe("product parameters", () => {
  it("describe every input well enough to render a calculator form", async () => {
    const { body } = await server.gql(`{
      providers { products { id parameters { name type unit allowedValues defaultValue required description minimum maximum maxItems } } }
    }`);
    const products = body.data.providers.flatMap((p: any) => p.products);
    for (const product of products) {
      for (const parameter of product.parameters) {
        const where = `${product.id}.${parameter.name}`;
        expect(parameter.description.length, where).toBeGreaterThan(10);
        if (["INTEGER", "DECIMAL", "DECIMAL_LIST"].includes(parameter.type)) {
          expect(parameter.maximum ?? parameter.allowedValues, `${where} has a cap`).not.toBeNull();
        }
        if (parameter.type.endsWith("_LIST")) expect(parameter.maxItems, where).toBeGreaterThan(0);
        if (parameter.required) expect(parameter.defaultValue, where).toBeNull();
      }
    }
    const tts = products.find((p: any) => p.id === "subclip/text-to-speech");
    expect(tts.parameters[0]).toEqual({
      name: "durationSeconds",
      type: "DECIMAL",
      unit: "second",
      allowedValues: null,
      defaultValue: null,
      required: true,
      description: "Length of the generated speech.",
      minimum: "0.000001",
      maximum: "86400",
      maxItems: null,
    });
  });

  it("an estimate built only from the parameters' defaults succeeds for every product that has no required input", async () => {
    const { body } = await server.gql(`{ providers { products { id modelRequired models { id } parameters { required } } } }`);
    const products = body.data.providers.flatMap((p: any) => p.products);
    for (const product of products.filter((p: any) => !p.parameters.some((q: any) => q.required))) {
      // These need one of two inputs.
      if (["samsar/add-image-set", "samsar/image-list-to-video", "subclip/ai-clipping"].includes(product.id)) continue;
      // A product whose API requires a model (hoox) is priced with its first one.
      const modelId = product.modelRequired ? product.models[0].id : undefined;
      const result = await server.gql(ESTIMATE, { input: { productId: product.id, modelId } });
      expect(result.body.errors, product.id).toBeUndefined();
    }
  });
});
