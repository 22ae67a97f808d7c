// U-Gen: credit packs, model pricing and the job estimate. Source: shared/docs/001_a23b593f4874d0db.txt
import { defineProviderSeed } from "../src/catalog/seed-schema.js";

const assumedPrice = "The doc describes the pricing fields but lists no values; price and upstream cost assumed.";
const videoModels = ["veo3_fast", "veo3", "sora2", "kling_v2_5_turbo"];
// The doc names veo3_fast (the default model_id) and says Veo, Sora and Kling models exist; these ids are ours.
const assumedModel = {
  source: "ASSUMED" as const,
  note: "The doc names only veo3_fast; it says Veo, Sora and Kling models exist (Kling billed per second), so this id and its variants are assumed.",
};
// The doc gives these parameters' types and defaults but no bounds, and no values besides the defaults.
const assumedBounds = (note: string) => ({ bounds: { source: "ASSUMED" as const, note } });
const assumedValues = (values: string[]) => ({ assumedValues: values });

export default defineProviderSeed({
  id: "ugen",
  name: "U-Gen",
  description:
    "Credits bought in prepaid packs pay for video jobs; a job reserves its estimate while it runs. One credit is one US cent.",
  sourceDocument: "001_a23b593f4874d0db.txt",
  creditValue: { amount: "0.01", currency: "USD", source: "DOCUMENTED" },
  creditPacks: [
    { slug: "starter", name: "Starter", priceUsd: "10", credits: "200", source: "DOCUMENTED" },
    { slug: "creator", name: "Creator", priceUsd: "45", credits: "1000", source: "DOCUMENTED" },
    { slug: "studio", name: "Studio", priceUsd: "175", credits: "5000", source: "DOCUMENTED" },
    { slug: "enterprise", name: "Enterprise", priceUsd: "600", credits: "20000", source: "DOCUMENTED" },
  ],
  models: [
    {
      slug: "veo3_fast",
      name: "Veo 3 Fast",
      description: "Google Veo 3, fast tier; a flat price per generated clip.",
      variants: [
        { slug: "i2v-standard", name: "i2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "0.40", upstreamCostUsd: "0.30", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-standard", name: "t2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "0.40", upstreamCostUsd: "0.30", source: "ASSUMED", note: assumedPrice },
        { slug: "i2v-hd", name: "i2v", resolution: "hd", billingUnit: "PER_GENERATION", priceUsd: "0.60", upstreamCostUsd: "0.45", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-hd", name: "t2v", resolution: "hd", billingUnit: "PER_GENERATION", priceUsd: "0.60", upstreamCostUsd: "0.45", source: "ASSUMED", note: assumedPrice },
      ],
    },
    {
      slug: "veo3",
      ...assumedModel,
      name: "Veo 3",
      description: "Google Veo 3, quality tier; a flat price per generated clip.",
      variants: [
        { slug: "i2v-standard", name: "i2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "1.60", upstreamCostUsd: "1.25", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-standard", name: "t2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "1.60", upstreamCostUsd: "1.25", source: "ASSUMED", note: assumedPrice },
        { slug: "i2v-hd", name: "i2v", resolution: "hd", billingUnit: "PER_GENERATION", priceUsd: "2.00", upstreamCostUsd: "1.60", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-hd", name: "t2v", resolution: "hd", billingUnit: "PER_GENERATION", priceUsd: "2.00", upstreamCostUsd: "1.60", source: "ASSUMED", note: assumedPrice },
      ],
    },
    {
      slug: "sora2",
      ...assumedModel,
      name: "Sora 2",
      description: "OpenAI Sora 2; a flat price per generated clip.",
      variants: [
        { slug: "i2v-standard", name: "i2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "0.30", upstreamCostUsd: "0.15", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-standard", name: "t2v", resolution: "standard", billingUnit: "PER_GENERATION", priceUsd: "0.30", upstreamCostUsd: "0.15", source: "ASSUMED", note: assumedPrice },
      ],
    },
    {
      slug: "kling_v2_5_turbo",
      ...assumedModel,
      name: "Kling 2.5 Turbo",
      description: "Kling 2.5 Turbo; priced per second of generated video.",
      variants: [
        { slug: "i2v-standard", name: "i2v", resolution: "standard", billingUnit: "PER_SECOND", priceUsd: "0.07", upstreamCostUsd: "0.05", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-standard", name: "t2v", resolution: "standard", billingUnit: "PER_SECOND", priceUsd: "0.07", upstreamCostUsd: "0.05", source: "ASSUMED", note: assumedPrice },
        { slug: "i2v-hd", name: "i2v", resolution: "hd", billingUnit: "PER_SECOND", priceUsd: "0.14", upstreamCostUsd: "0.10", source: "ASSUMED", note: assumedPrice },
        { slug: "t2v-hd", name: "t2v", resolution: "hd", billingUnit: "PER_SECOND", priceUsd: "0.14", upstreamCostUsd: "0.10", source: "ASSUMED", note: assumedPrice },
      ],
    },
    {
      slug: "nanobanana_2",
      name: "NanoBanana 2",
      description: "Image model that generates the keyframes of a job; priced per keyframe by resolution.",
      variants: [
        { slug: "1k", name: "keyframe", resolution: "1k", billingUnit: "PER_GENERATION", credits: "8", source: "DOCUMENTED" },
        { slug: "2k", name: "keyframe", resolution: "2k", billingUnit: "PER_GENERATION", credits: "12", source: "DOCUMENTED" },
        { slug: "4k", name: "keyframe", resolution: "4k", billingUnit: "PER_GENERATION", credits: "18", source: "DOCUMENTED" },
      ],
    },
  ],
  products: [
    {
      slug: "job-estimate",
      name: "Video job",
      description:
        "A multi-segment video job: keyframes, one generated clip per segment, captions, music and voice, plus budgets for QA retries and human-review rejections.",
      operation: "POST /api/v1/credits/estimate",
      category: "job",
      models: videoModels,
      parameters: [
        { name: "segmentCount", type: "INTEGER", unit: "segment", description: "Number of video segments in the job; N segments need N + 1 keyframes.", required: true, minimum: "1", maximum: "100", ...assumedBounds("The doc requires it without a cap; at most 100 segments per job is assumed.") },
        { name: "variant", type: "STRING", description: "Generation mode: i2v (image to video) or t2v (text to video).", defaultValue: "i2v", allowedValues: ["i2v", "t2v"], ...assumedValues(["t2v"]) },
        { name: "durationSeconds", type: "INTEGER", unit: "second", description: "Length of each segment; used by per-second models.", defaultValue: 8, minimum: "1", maximum: "60", ...assumedBounds("The doc gives only the default, 8 s; 1 to 60 s per clip is assumed.") },
        { name: "resolution", type: "STRING", description: "Video resolution tier of the segments.", defaultValue: "standard", allowedValues: ["standard", "hd"], ...assumedValues(["hd"]) },
        { name: "keyframeResolution", type: "STRING", description: "Resolution of the generated keyframes.", defaultValue: "1k", allowedValues: ["1k", "2k", "4k"] },
        { name: "captionStyle", type: "STRING", description: "Caption style burned into the video; none turns captions off.", defaultValue: "tiktok_karaoke", allowedValues: ["tiktok_karaoke", "none"], ...assumedValues(["none"]) },
        { name: "musicEnabled", type: "BOOLEAN", description: "Adds a background music track.", defaultValue: true },
        { name: "voiceEnabled", type: "BOOLEAN", description: "Adds a narrated voice-over to each segment.", defaultValue: false },
        { name: "customVoice", type: "BOOLEAN", description: "Narrates with a custom (cloned) voice; needs voiceEnabled.", defaultValue: false },
        { name: "qaiEnabled", type: "BOOLEAN", description: "Turns on automated quality checks, which may retry keyframes and segments.", defaultValue: false },
        { name: "maxKfRetries", type: "INTEGER", unit: "retry", description: "Most keyframe retries the quality checks may spend.", defaultValue: 0, minimum: "0", maximum: "10", ...assumedBounds("The doc gives only the default, 0; at most 10 per job is assumed.") },
        { name: "maxVideoRetries", type: "INTEGER", unit: "retry", description: "Most segment retries the quality checks may spend.", defaultValue: 0, minimum: "0", maximum: "10", ...assumedBounds("The doc gives only the default, 0; at most 10 per job is assumed.") },
        { name: "humanReviewGate", type: "BOOLEAN", description: "A person approves the anchor keyframes before video generation.", defaultValue: false },
        { name: "hitlAnchorMaxRejections", type: "INTEGER", unit: "rejection", description: "Most times the reviewer may reject the anchor keyframes.", defaultValue: 0, minimum: "0", maximum: "10", ...assumedBounds("The doc gives only the default, 0; at most 10 per job is assumed.") },
        { name: "humanReviewVideos", type: "BOOLEAN", description: "A person approves the generated segments.", defaultValue: false },
        { name: "hitlSegmentsMaxRejections", type: "INTEGER", unit: "rejection", description: "Most times the reviewer may reject the segments.", defaultValue: 0, minimum: "0", maximum: "10", ...assumedBounds("The doc gives only the default, 0; at most 10 per job is assumed.") },
      ],
      price: {
        components: [
          {
            code: "keyframes",
            description: "Keyframes (NanoBanana 2), one more than the segments",
            quantity: { add: [{ param: "segmentCount" }, { const: "1" }] },
            unit: "keyframe",
            rate: { variant: { model: "nanobanana_2", match: { resolution: "keyframeResolution" } } },
            source: "DOCUMENTED",
          },
          {
            code: "video_segments",
            description: "Generated video segments",
            quantity: { param: "segmentCount" },
            perSecondQuantity: { mul: [{ param: "segmentCount" }, { param: "durationSeconds" }] },
            unit: "segment",
            rate: { variant: { match: { name: "variant", resolution: "resolution" } } },
            source: "ASSUMED",
            note: "Flat per generation for Veo and Sora, credits x duration x segments for Kling (documented); the variants' credits are assumed.",
          },
          {
            code: "captions",
            description: "Captions",
            when: { param: "captionStyle", notEquals: "none" },
            quantity: { param: "segmentCount" },
            unit: "segment",
            rate: { credits: "1" },
            source: "ASSUMED",
            note: "The doc lists caption_style but not its price.",
          },
          {
            code: "music",
            description: "Background music",
            when: { param: "musicEnabled" },
            quantity: { const: "1" },
            unit: "job",
            rate: { credits: "5" },
            source: "ASSUMED",
            note: "The doc lists music_enabled but not its price.",
          },
          {
            code: "voice",
            description: "Voice-over",
            when: { param: "voiceEnabled" },
            quantity: { param: "segmentCount" },
            unit: "segment",
            rate: { credits: "2" },
            source: "ASSUMED",
            note: "The doc lists voice_enabled but not its price.",
          },
          {
            code: "custom_voice",
            description: "Custom voice",
            when: { all: [{ param: "voiceEnabled" }, { param: "customVoice" }] },
            quantity: { const: "1" },
            unit: "job",
            rate: { credits: "10" },
            source: "ASSUMED",
            note: "Not priced in the doc; read as a one-off charge that only applies when a voice-over is on.",
          },
          {
            code: "qa_keyframe_retries",
            description: "QA budget: keyframe retries at 50% of the keyframes per retry",
            when: { param: "qaiEnabled" },
            quantity: { param: "maxKfRetries" },
            unit: "retry",
            rate: { percentOf: ["keyframes"], percent: "50" },
            source: "DOCUMENTED",
            note: "'50% of the base cost per retry attempt' read as: of the keyframe stage's cost, per keyframe retry.",
          },
          {
            code: "qa_video_retries",
            description: "QA budget: segment retries at 50% of the segments per retry",
            when: { param: "qaiEnabled" },
            quantity: { param: "maxVideoRetries" },
            unit: "retry",
            rate: { percentOf: ["video_segments"], percent: "50" },
            source: "DOCUMENTED",
            note: "'50% of the base cost per retry attempt' read as: of the video stage's cost, per segment retry.",
          },
          {
            code: "hitl_anchor_rejections",
            description: "Review budget: anchor keyframe rejections at 100% of the keyframes each",
            when: { param: "humanReviewGate" },
            quantity: { param: "hitlAnchorMaxRejections" },
            unit: "rejection",
            rate: { percentOf: ["keyframes"], percent: "100" },
            source: "DOCUMENTED",
            note: "'100% of the base cost per rejection' read as: a rejected anchor regenerates the keyframe stage.",
          },
          {
            code: "hitl_segment_rejections",
            description: "Review budget: segment rejections at 100% of the segments each",
            when: { param: "humanReviewVideos" },
            quantity: { param: "hitlSegmentsMaxRejections" },
            unit: "rejection",
            rate: { percentOf: ["video_segments"], percent: "100" },
            source: "DOCUMENTED",
            note: "'100% of the base cost per rejection' read as: a rejection regenerates the video stage.",
          },
        ],
      },
    },
    {
      slug: "video-generation",
      name: "Single video generation",
      description: "One clip from a video model: flat per generation, or per second for per-second models.",
      operation: "GET /api/v1/credits/pricing",
      category: "video",
      models: videoModels,
      parameters: [
        { name: "variant", type: "STRING", description: "Generation mode: i2v (image to video) or t2v (text to video).", defaultValue: "i2v", allowedValues: ["i2v", "t2v"], ...assumedValues(["t2v"]) },
        { name: "resolution", type: "STRING", description: "Video resolution tier.", defaultValue: "standard", allowedValues: ["standard", "hd"], ...assumedValues(["hd"]) },
        { name: "durationSeconds", type: "INTEGER", unit: "second", description: "Clip length; used by per-second models.", defaultValue: 8, minimum: "1", maximum: "60", ...assumedBounds("The doc gives only the default, 8 s; 1 to 60 s per clip is assumed.") },
      ],
      price: {
        components: [
          {
            code: "generation",
            description: "Generated clip",
            quantity: { const: "1" },
            perSecondQuantity: { param: "durationSeconds" },
            unit: "generation",
            rate: { variant: { match: { name: "variant", resolution: "resolution" } } },
            source: "ASSUMED",
            note: "Variant credits (price_usd x 100) are assumed; the doc gives no values.",
          },
        ],
      },
    },
  ],
});
