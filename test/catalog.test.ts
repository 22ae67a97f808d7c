import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const { status, body } = await server.gql<T>(query, variables);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  return body.data!;
}

const DOCS = {
  samsar: "000_2559b125b3e8dbdb.txt",
  ugen: "001_a23b593f4874d0db.txt",
  creatify: "002_722cc5c6b31bfa5f.txt",
  hoox: "003_40ad71f66e99a58a.txt",
  subclip: "004_2276d998eeb372d0.txt",
} as const;

describe("providers", () => {
  it("lists the five providers in display order, each citing its pricing document", async () => {
    const { providers } = await data(`{ providers { id name sourceDocument } }`);
    expect(providers.map((p: any) => p.id)).toEqual(["samsar", "ugen", "creatify", "hoox", "subclip"]);
    for (const provider of providers) expect(provider.sourceDocument).toBe(DOCS[provider.id as keyof typeof DOCS]);
  });

  it("knows ugen's credit value (1 credit = $0.01) and no other", async () => {
    const { providers } = await data(`{ providers { id creditValue { amount currency } creditValueSource } }`);
    const values = Object.fromEntries(providers.map((p: any) => [p.id, p.creditValue]));
    expect(values).toEqual({
      samsar: null,
      ugen: { amount: "0.01", currency: "USD" },
      creatify: null,
      hoox: null,
      subclip: null,
    });
    expect(providers.find((p: any) => p.id === "ugen").creditValueSource).toBe("DOCUMENTED");
  });

  it("has every priced API operation of each document", async () => {
    const { providers } = await data(`{ providers { id products { id category } } }`);
    const counts = Object.fromEntries(providers.map((p: any) => [p.id, p.products.length]));
    expect(counts).toEqual({ samsar: 13, ugen: 2, creatify: 15, hoox: 1, subclip: 7 });
    const samsar = providers.find((p: any) => p.id === "samsar").products;
    const byCategory = (c: string) => samsar.filter((p: any) => p.category === c).length;
    expect([byCategory("video"), byCategory("image"), byCategory("text")]).toEqual([7, 5, 1]);
  });

  it("returns null for an unknown provider", async () => {
    expect(await data(`{ provider(id: "nope") { id } }`)).toEqual({ provider: null });
  });
});

describe("credit packs", () => {
  it("carries ugen's four packs with per-credit price and savings against the smallest pack", async () => {
    const { creditPacks } = await data(`{
      creditPacks(provider: "ugen") {
        id name price { amount currency } credits perCreditPrice { amount currency } savingsPercent source sourceDocument
      }
    }`);
    expect(creditPacks.map((p: any) => [p.id, p.price.amount, p.credits, p.perCreditPrice.amount, p.savingsPercent])).toEqual([
      ["ugen/packs/starter", "10", "200", "0.05", "0"],
      ["ugen/packs/creator", "45", "1000", "0.045", "10"],
      ["ugen/packs/studio", "175", "5000", "0.035", "30"],
      ["ugen/packs/enterprise", "600", "20000", "0.03", "40"],
    ]);
    for (const pack of creditPacks) {
      expect(pack).toMatchObject({ source: "DOCUMENTED", sourceDocument: DOCS.ugen });
      expect(pack.price.currency).toBe("USD");
    }
  });

  it("lists all packs without a provider filter and none for a provider that sells none", async () => {
    const all = await data(`{ creditPacks { id } }`);
    expect(all.creditPacks).toHaveLength(4);
    expect(await data(`{ creditPacks(provider: "samsar") { id } }`)).toEqual({ creditPacks: [] });
  });
});

describe("subscription plans", () => {
  it("carries creatify's plans; Enterprise is contact-sales with no price", async () => {
    const { subscriptionPlans } = await data(`{
      subscriptionPlans(provider: "creatify") { id name monthlyCredits price { amount currency } interval contactSales source }
    }`);
    expect(subscriptionPlans).toEqual([
      {
        id: "creatify/plans/api-starter",
        name: "API Starter",
        monthlyCredits: "500",
        price: { amount: "99", currency: "USD" },
        interval: "MONTH",
        contactSales: false,
        source: "DOCUMENTED",
      },
      {
        id: "creatify/plans/api-pro",
        name: "API Pro",
        monthlyCredits: "2000",
        price: { amount: "299", currency: "USD" },
        interval: "MONTH",
        contactSales: false,
        source: "DOCUMENTED",
      },
      {
        id: "creatify/plans/api-enterprise",
        name: "API Enterprise",
        monthlyCredits: null,
        price: null,
        interval: null,
        contactSales: true,
        source: "DOCUMENTED",
      },
    ]);
  });
});

describe("samsar", () => {
  it("prices text-to-video by model: assumed bases within 60-700 and Hunyuan's documented 1.5x", async () => {
    const { product } = await data(`{
      product(id: "samsar/text-to-video") {
        source
        defaultModel { id }
        models { id name multiplier multiplierSource variants { credits billingUnit source } }
      }
    }`);
    expect(product.source).toBe("ASSUMED");
    const names = product.models.map((m: any) => m.name);
    expect(names).toEqual([
      "RUNWAYML",
      "KLINGIMGTOVID3PRO",
      "HAILUO",
      "HAILUOPRO",
      "SEEDANCEI2V",
      "VEO3.1I2V",
      "VEO3.1I2VFAST",
      "SORA2",
      "SORA2PRO",
      "HUNYUAN",
    ]);
    for (const model of product.models) {
      for (const variant of model.variants) {
        expect(variant.source).toBe("ASSUMED");
        expect(variant.billingUnit).toBe("PER_GENERATION");
        expect(Number(variant.credits)).toBeGreaterThanOrEqual(60);
        expect(Number(variant.credits)).toBeLessThanOrEqual(700);
      }
    }
    const hunyuan = product.models.find((m: any) => m.name === "HUNYUAN");
    expect([hunyuan.multiplier, hunyuan.multiplierSource]).toEqual(["1.5", "DOCUMENTED"]);
    expect(product.models.find((m: any) => m.name === "SORA2").multiplier).toBe("1");
  });

  it("has the per-endpoint rates of the document", async () => {
    const { provider } = await data(`{
      provider(id: "samsar") { products { id operation priceComponents { code unit unitCredits rateTiers { value credits } source } } }
    }`);
    const rates = Object.fromEntries(
      provider.products.map((p: any) => [
        p.operation,
        p.priceComponents.map((c: any) => c.unitCredits ?? c.rateTiers.map((t: any) => `${t.value}:${t.credits}`).join(",") ?? null),
      ]),
    );
    expect(rates).toMatchObject({
      "POST /video/image_list_to_video": ["50", "50"],
      "POST /video/translate_video": ["2"],
      "POST /video/join_videos": ["2"],
      "POST /video/remove_subtitles": ["0"],
      "POST /video/cancel_render": ["0"],
      "POST /video/add_outro_image": ["50"],
      "POST /image/enhance": ["1k:30,2k:50,4k:60"],
      "POST /image/remove_branding": ["50"],
      "POST /image/add_image_set": ["50"],
      "POST /image/create_rollup_banner": ["20"],
      "POST /image/create_rollup_banner_with_enhance": ["1k:30,2k:50,4k:60", "20"],
      "POST /chat/enhance": ["20"],
    });
  });

  it("describes add_image_set's count defaulting to the number of image URLs", async () => {
    const { product } = await data(`{
      product(id: "samsar/add-image-set") { parameters { name type required } priceComponents { quantity unit } }
    }`);
    expect(product.parameters).toEqual([
      { name: "imageUrls", type: "STRING_LIST", required: false },
      { name: "numImages", type: "INTEGER", required: false },
    ]);
    expect(product.priceComponents[0]).toEqual({
      quantity: { coalesce: [{ param: "numImages" }, { count: "imageUrls" }] },
      unit: "image",
    });
  });
});

describe("ugen", () => {
  it("derives variant credits from price_usd x 100 and keeps the upstream cost", async () => {
    const { model } = await data(`{
      model(id: "ugen/models/veo3_fast") {
        variants { id name resolution billingUnit credits price { amount currency } upstreamCost { amount } source }
      }
    }`);
    const i2v = model.variants.find((v: any) => v.id === "ugen/models/veo3_fast/i2v-standard");
    expect(i2v).toEqual({
      id: "ugen/models/veo3_fast/i2v-standard",
      name: "i2v",
      resolution: "standard",
      billingUnit: "PER_GENERATION",
      credits: "40",
      price: { amount: "0.4", currency: "USD" },
      upstreamCost: { amount: "0.3" },
      source: "ASSUMED",
    });
    for (const variant of model.variants) {
      expect(Number(variant.credits)).toBe(Number(variant.price.amount) * 100);
    }
  });

  it("bills Kling per second and Veo/Sora per generation", async () => {
    const { provider } = await data(`{ provider(id: "ugen") { models { id variants { billingUnit } } } }`);
    const units = Object.fromEntries(provider.models.map((m: any) => [m.id, [...new Set(m.variants.map((v: any) => v.billingUnit))]]));
    expect(units).toEqual({
      "ugen/models/veo3_fast": ["PER_GENERATION"],
      "ugen/models/veo3": ["PER_GENERATION"],
      "ugen/models/sora2": ["PER_GENERATION"],
      "ugen/models/kling_v2_5_turbo": ["PER_SECOND"],
      "ugen/models/nanobanana_2": ["PER_GENERATION"],
    });
  });

  it("has the documented NanoBanana 2 keyframe rates per resolution", async () => {
    const { model } = await data(`{ model(id: "ugen/models/nanobanana_2") { variants { resolution credits source } } }`);
    expect(model.variants).toEqual([
      { resolution: "1k", credits: "8", source: "DOCUMENTED" },
      { resolution: "2k", credits: "12", source: "DOCUMENTED" },
      { resolution: "4k", credits: "18", source: "DOCUMENTED" },
    ]);
  });

  it("has every component of the job estimate with the body's defaults", async () => {
    const { product } = await data(`{
      product(id: "ugen/job-estimate") {
        defaultModel { id }
        parameters { name defaultValue required }
        priceComponents { code rateKind percent percentOf source }
      }
    }`);
    expect(product.defaultModel.id).toBe("ugen/models/veo3_fast");
    const defaults = Object.fromEntries(product.parameters.map((p: any) => [p.name, p.defaultValue]));
    expect(defaults).toEqual({
      segmentCount: null,
      variant: "i2v",
      durationSeconds: 8,
      resolution: "standard",
      keyframeResolution: "1k",
      captionStyle: "tiktok_karaoke",
      musicEnabled: true,
      voiceEnabled: false,
      customVoice: false,
      qaiEnabled: false,
      maxKfRetries: 0,
      maxVideoRetries: 0,
      humanReviewGate: false,
      hitlAnchorMaxRejections: 0,
      humanReviewVideos: false,
      hitlSegmentsMaxRejections: 0,
    });
    expect(product.parameters.find((p: any) => p.name === "segmentCount").required).toBe(true);
    expect(product.priceComponents.map((c: any) => c.code)).toEqual([
      "keyframes",
      "video_segments",
      "captions",
      "music",
      "voice",
      "custom_voice",
      "qa_keyframe_retries",
      "qa_video_retries",
      "hitl_anchor_rejections",
      "hitl_segment_rejections",
    ]);
    const budgets = product.priceComponents.filter((c: any) => c.rateKind === "PERCENT_OF");
    expect(budgets.map((c: any) => [c.code, c.percent, c.percentOf, c.source])).toEqual([
      ["qa_keyframe_retries", "50", ["keyframes"], "DOCUMENTED"],
      ["qa_video_retries", "50", ["video_segments"], "DOCUMENTED"],
      ["hitl_anchor_rejections", "100", ["keyframes"], "DOCUMENTED"],
      ["hitl_segment_rejections", "100", ["video_segments"], "DOCUMENTED"],
    ]);
  });
});

describe("creatify", () => {
  it("has all 15 APIs with their credits and increments", async () => {
    const { provider } = await data(`{
      provider(id: "creatify") { products { name priceComponents { unitCredits blockSize unit source } } }
    }`);
    const rates = Object.fromEntries(
      provider.products.map((p: any) => {
        const [c] = p.priceComponents;
        return [p.name, `${c.unitCredits}/${c.blockSize ?? "-"} ${c.unit} ${c.source}`];
      }),
    );
    expect(rates).toEqual({
      "URL to Video": "5/30 second DOCUMENTED",
      "AI Avatar": "5/30 second DOCUMENTED",
      Aurora: "1/1 second DOCUMENTED",
      "Aurora Fast": "0.5/1 second DOCUMENTED",
      "Custom Template Video": "5/30 second DOCUMENTED",
      "Asset Generator": "null/- asset ASSUMED",
      "Text Generator": "1/1000 token ASSUMED",
      "Text to Speech": "1/30 second DOCUMENTED",
      "AI Scripts": "1/- request DOCUMENTED",
      Links: "1/- link DOCUMENTED",
      "AI Shorts": "5/30 second DOCUMENTED",
      "AI Editing": "5/30 second DOCUMENTED",
      "Product Video (image)": "2/- image DOCUMENTED",
      "Product Video (video)": "10/30 second DOCUMENTED",
      "Ad Clone": "12/5 second DOCUMENTED",
    });
  });
});

describe("hoox", () => {
  it("has veo-3.1 with its supported durations and resolutions and the documented 80-credit price", async () => {
    const { product } = await data(`{
      product(id: "hoox/asset-generation") {
        parameters { name allowedValues defaultValue snapsToAllowedValue }
        models { variants { resolution durationSeconds credits source } }
      }
    }`);
    const duration = product.parameters.find((p: any) => p.name === "duration");
    expect(duration).toEqual({ name: "duration", allowedValues: [4, 6, 8], defaultValue: 8, snapsToAllowedValue: true });
    const [veo] = product.models;
    const documented = veo.variants.filter((v: any) => v.source === "DOCUMENTED");
    expect(documented).toEqual([{ resolution: "1080p", durationSeconds: 8, credits: "80", source: "DOCUMENTED" }]);
    expect(veo.variants).toHaveLength(9);
  });
});

describe("subclip", () => {
  it("carries every component of the seven formulas", async () => {
    const { provider } = await data(`{
      provider(id: "subclip") {
        products { name minimumCredits rounding priceComponents { code unitCredits minimumCredits blockSize } }
      }
    }`);
    const formulas = Object.fromEntries(
      provider.products.map((p: any) => [
        p.name,
        {
          minimum: p.minimumCredits,
          rounding: p.rounding,
          components: p.priceComponents.map(
            (c: any) => `${c.code}:${c.unitCredits}${c.minimumCredits ? ` min ${c.minimumCredits}` : ""}${c.blockSize ? ` per ${c.blockSize}` : ""}`,
          ),
        },
      ]),
    );
    expect(formulas).toEqual({
      "Viral Captions": {
        minimum: "2",
        rounding: "NONE",
        components: ["render:1", "transcription:1", "caption_analysis:1", "face_tracking:1 min 1"],
      },
      "AI Dubbing": {
        minimum: null,
        rounding: "NONE",
        components: ["transcription:1", "dubbing:1", "voice_clone_or_multi_speaker:5", "background_preservation:3"],
      },
      "AI Clipping": {
        minimum: null,
        rounding: "NONE",
        components: ["clipping_pipeline:1", "api_orchestration:5", "caption_analysis:1", "youtube_transcript:1"],
      },
      "Text to Speech": { minimum: null, rounding: "UP", components: ["speech:5 min 1", "voice_clone:5"] },
      "Social Media Transcript": { minimum: null, rounding: "NONE", components: ["transcription:1 per 1"] },
      "Video Studio": {
        minimum: null,
        rounding: "NONE",
        components: ["render:1 min 2", "background_audio:1", "ai_planning:2", "vision_images:0.25", "vision_videos:1", "audio_analysis:1", "voiceover:5 min 1"],
      },
      "Enhance Audio": { minimum: null, rounding: "UP", components: ["enhancement:0.10816 min 1"] },
    });
  });
});

describe("sources", () => {
  it("marks every price row DOCUMENTED or ASSUMED and cites the provider's document", async () => {
    const { providers } = await data(`{
      providers {
        id
        products { source sourceDocument priceComponents { source sourceDocument note } parameters { description } }
        models { sourceDocument variants { source sourceDocument note } }
      }
    }`);
    let assumed = 0;
    for (const provider of providers) {
      const doc = DOCS[provider.id as keyof typeof DOCS];
      for (const product of provider.products) {
        expect(product.sourceDocument).toBe(doc);
        for (const component of product.priceComponents) {
          expect(["DOCUMENTED", "ASSUMED"]).toContain(component.source);
          expect(component.sourceDocument).toBe(doc);
          // An assumed rate always says why.
          if (component.source === "ASSUMED") {
            assumed++;
            expect(component.note).toBeTruthy();
          }
        }
        const componentAssumed = product.priceComponents.some((c: any) => c.source === "ASSUMED");
        if (componentAssumed) expect(product.source).toBe("ASSUMED");
        for (const parameter of product.parameters) expect(parameter.description.length).toBeGreaterThan(10);
      }
      for (const model of provider.models) {
        expect(model.sourceDocument).toBe(doc);
        for (const variant of model.variants) {
          expect(variant.sourceDocument).toBe(doc);
          if (variant.source === "ASSUMED") expect(variant.note).toBeTruthy();
        }
      }
    }
    expect(assumed).toBeGreaterThan(0);
  });
});

describe("node", () => {
  it("fetches every kind of catalog object by id", async () => {
    const ids = [
      ["samsar", "Provider"],
      ["subclip/text-to-speech", "Product"],
      ["ugen/models/veo3_fast", "Model"],
      ["ugen/models/veo3_fast/i2v-standard", "Variant"],
      ["ugen/packs/creator", "CreditPack"],
      ["creatify/plans/api-pro", "SubscriptionPlan"],
    ];
    for (const [id, typename] of ids) {
      const { node } = await data(`query ($id: ID!) { node(id: $id) { __typename id } }`, { id });
      expect(node).toEqual({ __typename: typename, id });
    }
  });

  it("returns the pack's savings when fetched alone", async () => {
    const { node } = await data(`{ node(id: "ugen/packs/studio") { ... on CreditPack { savingsPercent provider { id } } } }`);
    expect(node).toEqual({ savingsPercent: "30", provider: { id: "ugen" } });
  });

  it("returns null for ids that name nothing", async () => {
    for (const id of ["", "nope", "ugen/nope", "ugen/models/nope", "ugen/packs/nope", "a/b/c", "ugen//x", "a/models/b/c/d"]) {
      const { node } = await data(`query ($id: ID!) { node(id: $id) { id } }`, { id });
      expect(node).toBeNull();
    }
  });

  it("returns null for unknown product and model ids", async () => {
    expect(await data(`{ product(id: "ugen/nope") { id } model(id: "ugen/models/nope") { id } }`)).toEqual({
      product: null,
      model: null,
    });
  });
});
