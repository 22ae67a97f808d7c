/**
 * Every worked example of the pricing documents, priced through the `estimate` query, plus one case
 * per samsar and creatify rate and the boundaries around increments, minimums and add-ons.
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
    product { id }
    model { id }
    costPerGeneration generationCount totalCredits
    totalPrice { amount currency }
    lineItems { code description quantity unit unitCredits credits source }
    normalized { name requested applied }
  }
}`;

type Params = Record<string, unknown>;

async function estimate(productId: string, parameters: Params = {}, extra: Record<string, unknown> = {}) {
  const input = {
    productId,
    parameters: Object.entries(parameters).map(([name, value]) => ({ name, value })),
    ...extra,
  };
  const { status, body } = await server.gql(ESTIMATE, { input });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  const result = body.data.estimate;
  // Every estimate can be redone by hand: each line is quantity x unit credits (credits from the
  // exact quantity, rounded up to the micro-credit; the quantity shown to 6 places), and the lines add up.
  let sum = 0;
  for (const line of result.lineItems) {
    expect(Number(line.credits)).toBeCloseTo(Number(line.quantity) * Number(line.unitCredits), 5);
    sum += Number(line.credits);
  }
  expect(sum).toBeCloseTo(Number(result.costPerGeneration), 6);
  return result;
}

const credits = async (productId: string, parameters: Params = {}, extra: Record<string, unknown> = {}) =>
  (await estimate(productId, parameters, extra)).totalCredits;

describe("subclip worked examples (004_…)", () => {
  it.each([
    [60, false, "3"],
    [60, true, "4"],
    [180, false, "5"],
    [180, true, "8"],
  ])("viral captions: %s s, face tracking %s -> %s", async (seconds, faceTracking, expected) => {
    expect(await credits("subclip/viral-captions", { durationSeconds: seconds, faceTracking })).toBe(expected);
  });

  it.each([
    [{ transcriptSupplied: true }, "3"],
    [{}, "6"],
    [{ voiceClone: true, preserveBackground: true }, "14"],
    [{ multiSpeaker: true }, "11"],
  ])("AI dubbing: 3 minutes with %j -> %s", async (options, expected) => {
    expect(await credits("subclip/ai-dubbing", { durationSeconds: 180, ...options })).toBe(expected);
  });

  it("AI clipping: selected segments without dynamic captions cost the 5 API credits", async () => {
    const result = await estimate("subclip/ai-clipping", { segmentsSupplied: true });
    expect(result.totalCredits).toBe("5");
    expect(result.lineItems.map((l: any) => [l.code, l.credits])).toEqual([["api_orchestration", "5"]]);
  });

  it("AI clipping: AI-selected clips add the pipeline credits; dynamic captions add the analysis; a fetched transcript adds 1", async () => {
    const aiSelected = await estimate("subclip/ai-clipping", { sourceDurationSeconds: 600 });
    expect(aiSelected.lineItems.map((l: any) => [l.code, l.credits, l.source])).toEqual([
      ["clipping_pipeline", "10", "ASSUMED"],
      ["api_orchestration", "5", "DOCUMENTED"],
    ]);
    const withCaptions = await credits("subclip/ai-clipping", { sourceDurationSeconds: 600, dynamicCaptions: true });
    expect(withCaptions).toBe("16");
    const withTranscript = await credits("subclip/ai-clipping", { segmentsSupplied: true, youtubeTranscript: true });
    expect(withTranscript).toBe("6");
  });

  it("AI clipping: AI-selected clips need the source duration", async () => {
    const { body } = await server.gql(ESTIMATE, { input: { productId: "subclip/ai-clipping" } });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "sourceDurationSeconds"] });
  });

  it.each([
    [30, false, "3"],
    [60, false, "5"],
    [60, true, "10"],
    [180, false, "15"],
  ])("text to speech: %s s, voice clone %s -> %s", async (seconds, voiceClone, expected) => {
    expect(await credits("subclip/text-to-speech", { durationSeconds: seconds, voiceClone })).toBe(expected);
  });

  it.each([
    [{ durationSeconds: 60 }, "2"],
    [{ durationSeconds: 180 }, "3"],
    [{ durationSeconds: 180, aiAnalysis: true }, "5"],
    [{ durationSeconds: 180, aiAnalysis: true, imageCount: 4, videoCount: 1 }, "7"],
    [{ durationSeconds: 180, backgroundAudio: true }, "4"],
    [{ durationSeconds: 180, voiceover: true }, "18"],
  ])("video studio: %j -> %s", async (parameters, expected) => {
    expect(await credits("subclip/video-studio", parameters)).toBe(expected);
  });

  it.each([
    [60, "7"],
    [180, "20"],
    [600, "65"],
  ])("enhance audio: %s s -> %s", async (seconds, expected) => {
    expect(await credits("subclip/enhance-audio", { durationSeconds: seconds })).toBe(expected);
  });

  it("enhance audio shows the exact formula and the rounding as separate lines", async () => {
    const result = await estimate("subclip/enhance-audio", { durationSeconds: 60 });
    expect(result.lineItems).toEqual([
      {
        code: "enhancement",
        description: "Audio enhancement",
        quantity: "60",
        unit: "second",
        unitCredits: "0.10816",
        credits: "6.4896",
        source: "DOCUMENTED",
      },
      {
        code: "rounding",
        description: "Rounded up to a whole credit",
        quantity: "1",
        unit: "adjustment",
        unitCredits: "0.5104",
        credits: "0.5104",
        source: "DOCUMENTED",
      },
    ]);
  });

  it("enhance audio: the 1-credit minimum applies below about 9.25 s", async () => {
    const result = await estimate("subclip/enhance-audio", { durationSeconds: 5 });
    expect(result.totalCredits).toBe("1");
    expect(result.lineItems.map((l: any) => l.code)).toEqual(["enhancement", "enhancement_minimum"]);
  });

  it.each([
    [60, "1"],
    [61, "2"],
    [1, "1"],
    [3599, "60"],
  ])("social media transcript: %s s -> %s (whole minutes, rounded up)", async (seconds, expected) => {
    expect(await credits("subclip/social-media-transcript", { durationSeconds: seconds })).toBe(expected);
  });
});

describe("subclip boundaries", () => {
  it("viral captions: face tracking's 1-credit minimum applies to short renders", async () => {
    const result = await estimate("subclip/viral-captions", { durationSeconds: 30, faceTracking: true });
    expect(result.lineItems.map((l: any) => [l.code, l.credits])).toEqual([
      ["render", "0.5"],
      ["transcription", "1"],
      ["caption_analysis", "1"],
      ["face_tracking", "0.5"],
      ["face_tracking_minimum", "0.5"],
    ]);
    expect(result.totalCredits).toBe("3.5");
  });

  it("text to speech: a few seconds still cost the 1-credit minimum", async () => {
    const result = await estimate("subclip/text-to-speech", { durationSeconds: 6 });
    expect(result.totalCredits).toBe("1");
    expect(result.lineItems.map((l: any) => [l.code, l.credits])).toEqual([
      ["speech", "0.5"],
      ["speech_minimum", "0.5"],
    ]);
  });

  it("video studio: zero images and videos add nothing, and 1 image is an exact quarter credit", async () => {
    const none = await estimate("subclip/video-studio", { durationSeconds: 180, aiAnalysis: true, imageCount: 0 });
    expect(none.lineItems.map((l: any) => l.code)).toEqual(["render", "ai_planning"]);
    expect(await credits("subclip/video-studio", { durationSeconds: 180, aiAnalysis: true, imageCount: 1 })).toBe("5.25");
  });

  it("video studio: images are not analysed without AI analysis", async () => {
    expect(await credits("subclip/video-studio", { durationSeconds: 180, imageCount: 4 })).toBe("3");
  });

  it("fractional minutes are kept to the micro-credit where the doc does not round, a fraction beyond it rounded up", async () => {
    // 50 s = 0.8333… minutes: 0.833334 credits (the ledger's precision), + 1 + 1.
    expect(await credits("subclip/viral-captions", { durationSeconds: 50 })).toBe("2.833334");
    expect(await credits("subclip/viral-captions", { durationSeconds: 90 })).toBe("3.5");
  });
});

describe("hoox worked example (003_…)", () => {
  it("veo-3.1, 8 s, 1080p, 2 generations -> 80 per generation, 160 total, nothing normalized", async () => {
    const result = await estimate("hoox/asset-generation", { duration: 8, resolution: "1080p" }, { modelId: "veo-3.1", generationCount: 2 });
    expect(result).toMatchObject({
      model: { id: "hoox/models/veo-3.1" },
      costPerGeneration: "80",
      generationCount: 2,
      totalCredits: "160",
      totalPrice: null,
      normalized: [],
    });
    expect(result.lineItems).toEqual([
      {
        code: "generation",
        description: "Generated clip: Veo 3.1 1080p 8s",
        quantity: "1",
        unit: "generation",
        unitCredits: "80",
        credits: "80",
        source: "DOCUMENTED",
      },
    ]);
  });

  it.each([
    [9, 8],
    [7, 8],
    [5, 6],
    [3, 4],
    [1, 4],
    [60, 8],
    [61, 8],
    [600, 8],
  ])("snaps an unsupported %s s to %s s (a tie snaps up) and reports it", async (requested, applied) => {
    const result = await estimate("hoox/asset-generation", { duration: requested }, { modelId: "veo-3.1" });
    expect(result.normalized).toEqual([{ name: "duration", requested, applied }]);
    expect(result.costPerGeneration).toBe(String(applied * 10));
  });

  it("does not snap beyond the accepted range (600 s, an assumed cap)", async () => {
    const { body } = await server.gql(ESTIMATE, {
      input: { productId: "hoox/asset-generation", modelId: "veo-3.1", parameters: [{ name: "duration", value: 601 }] },
    });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "duration"] });
    expect(body.errors![0].message).toMatch(/at most 600 seconds/);
  });
});

describe("ugen (001_…)", () => {
  it.each([
    ["1k", "32"],
    ["2k", "48"],
    ["4k", "72"],
  ])("keyframes: 3 segments need 4 NanoBanana 2 keyframes at %s -> %s credits", async (keyframeResolution, expected) => {
    const { body } = await server.gql(
      `query ($input: JobEstimateInput!) { jobEstimate(input: $input) { lineItems { code quantity unit unitCredits credits source } } }`,
      { input: { segmentCount: 3, keyframeResolution } },
    );
    const keyframes = body.data.jobEstimate.lineItems.find((l: any) => l.code === "keyframes");
    expect(keyframes).toMatchObject({ quantity: "4", unit: "keyframe", credits: expected, source: "DOCUMENTED" });
  });

  it("prices a single generation in credits and dollars (credits = price_usd x 100)", async () => {
    const result = await estimate("ugen/video-generation", {}, { modelId: "veo3_fast" });
    expect(result.totalCredits).toBe("40");
    expect(result.totalPrice).toEqual({ amount: "0.4", currency: "USD" });
  });

  it("bills Kling per second", async () => {
    const result = await estimate("ugen/video-generation", { durationSeconds: 5 }, { modelId: "ugen/models/kling_v2_5_turbo" });
    expect(result.lineItems[0]).toMatchObject({ quantity: "5", unit: "second", unitCredits: "7", credits: "35" });
  });
});

describe("samsar rates (000_…)", () => {
  it.each([
    ["samsar/image-list-to-video", { durationSeconds: 8 }, "400"],
    ["samsar/translate-video", { sourceDurationSeconds: 30 }, "60"],
    ["samsar/join-videos", { sessionDurationsSeconds: [10, 20.5, "4.25"] }, "69.5"],
    ["samsar/remove-subtitles", {}, "0"],
    ["samsar/cancel-render", {}, "0"],
    ["samsar/add-outro-image", {}, "50"],
    ["samsar/image-enhance", {}, "30"],
    ["samsar/image-enhance", { resolution: "2k" }, "50"],
    ["samsar/image-enhance", { resolution: "4k" }, "60"],
    ["samsar/remove-branding", {}, "50"],
    ["samsar/add-image-set", { imageUrls: ["a", "b", "c"] }, "150"],
    ["samsar/add-image-set", { imageUrls: ["a", "b", "c"], numImages: 2 }, "100"],
    ["samsar/add-image-set", { numImages: 4 }, "200"],
    ["samsar/create-rollup-banner", {}, "20"],
    ["samsar/create-rollup-banner-with-enhance", { enhancedTiles: 2, enhanceResolution: "2k" }, "120"],
    ["samsar/create-rollup-banner-with-enhance", {}, "20"],
    ["samsar/chat-enhance", {}, "20"],
  ])("%s %j -> %s", async (productId, parameters, expected) => {
    expect(await credits(productId, parameters)).toBe(expected);
  });

  it("text to video: the model's base credits, and Hunyuan's 1.5x as its own line", async () => {
    expect(await credits("samsar/text-to-video", {}, { modelId: "sora2" })).toBe("400");
    const hunyuan = await estimate("samsar/text-to-video", {}, { modelId: "samsar/models/hunyuan" });
    expect(hunyuan.lineItems.map((l: any) => [l.code, l.quantity, l.unitCredits, l.credits, l.source])).toEqual([
      ["model_base", "1", "100", "100", "ASSUMED"],
      // The 1.5x is documented; the 100 it multiplies is not, so neither are the 50 it adds.
      ["model_multiplier", "100", "0.5", "50", "ASSUMED"],
    ]);
    expect(hunyuan.totalCredits).toBe("150");
  });
});

describe("creatify rates (002_…)", () => {
  it.each([
    ["creatify/url-to-video", 30, "5"],
    ["creatify/url-to-video", 31, "10"],
    ["creatify/url-to-video", 60, "10"],
    ["creatify/ai-avatar", 45, "10"],
    ["creatify/aurora", 10.2, "11"],
    ["creatify/aurora-fast", 10, "5"],
    ["creatify/aurora-fast", 10.2, "5.5"],
    ["creatify/custom-template-video", 90, "15"],
    ["creatify/text-to-speech", 61, "3"],
    ["creatify/ai-shorts", 1, "5"],
    ["creatify/ai-editing", 120, "20"],
    ["creatify/product-video-video", 30, "10"],
    ["creatify/ad-clone", 5, "12"],
    ["creatify/ad-clone", 11, "36"],
  ])("%s for %s s -> %s", async (productId, seconds, expected) => {
    expect(await credits(productId, { durationSeconds: seconds })).toBe(expected);
  });

  it("shows increments as blocks", async () => {
    const result = await estimate("creatify/url-to-video", { durationSeconds: 31 });
    expect(result.lineItems[0]).toMatchObject({ quantity: "2", unit: "30-second block", unitCredits: "5", credits: "10" });
  });

  it.each([
    ["creatify/asset-generator", { assetCount: 3 }, "12"],
    ["creatify/text-generator", { tokenCount: 1000 }, "1"],
    ["creatify/ai-scripts", {}, "1"],
    ["creatify/links", { linkCount: 3 }, "3"],
    ["creatify/product-video-image", { imageCount: 4 }, "8"],
  ])("%s %j -> %s", async (productId, parameters, expected) => {
    expect(await credits(productId, parameters)).toBe(expected);
  });
});

describe("generation count", () => {
  it("multiplies the cost per generation", async () => {
    const result = await estimate("subclip/text-to-speech", { durationSeconds: 30 }, { generationCount: 3 });
    expect([result.costPerGeneration, result.generationCount, result.totalCredits]).toEqual(["3", 3, "9"]);
  });
});
