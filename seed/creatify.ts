// Creatify: subscription plans and per-API usage in increments. Source: shared/docs/002_722cc5c6b31bfa5f.txt
import { defineProviderSeed, type ProviderSeedInput } from "../src/catalog/seed-schema.js";

// The page is silent on whether unused monthly credits roll over.
const monthlyCreditsExpire = {
  at: "PERIOD_END",
  source: "ASSUMED",
  note: "Not stated on the pricing page; assumed to expire at the end of their period, as monthly plan credits usually do.",
} as const;

type ProductSeed = NonNullable<ProviderSeedInput["products"]>[number];

const MAX_SECONDS = "86400";
// A started increment is billed whole, so any positive length is priced; the 24 h cap is ours.
const incrementBounds = {
  source: "ASSUMED" as const,
  note: "Any positive length is priced (the doc bills a started increment whole); the 24 h cap per request is assumed, the doc gives none.",
};

// The doc's Asset Generator row names no model: it links to a per-model price list it leaves out.
const ASSET_MODEL_NOTE =
  "The doc names no model and links to a per-model list it leaves out; these models and per-output rates are from that list (post-ai-generation#supported-models, outside shared/docs, and it changes), so assumed.";
const ASSET_MODELS = [
  { slug: "nano-banana", modelName: "nano-banana", name: "Nano Banana", kind: "image", credits: "4" },
  { slug: "flux-pro-kontext", modelName: "flux-pro/kontext/text-to-image", name: "FLUX.1 Kontext [pro]", kind: "image", credits: "4" },
  { slug: "veo3.1-image-to-video", modelName: "veo3.1/image-to-video", name: "Veo 3.1 image to video", kind: "video", credits: "64" },
];

/** "N credits per S seconds", billed in whole S-second increments (a started increment counts). */
function perIncrement(
  slug: string,
  name: string,
  description: string,
  credits: string,
  seconds: string,
  category: ProductSeed["category"] = "video",
): ProductSeed {
  return {
    slug,
    name,
    description,
    operation: `${name} API`,
    category,
    parameters: [
      {
        name: "durationSeconds",
        type: "DECIMAL",
        unit: "second",
        description: `Length of the generated output; billed in started ${seconds}-second increments.`,
        required: true,
        minimum: "0.000001",
        maximum: MAX_SECONDS,
        bounds: incrementBounds,
      },
    ],
    price: {
      components: [
        {
          code: "duration",
          description: `${name} output, per ${seconds === "1" ? "second" : `${seconds} seconds`}`,
          quantity: { param: "durationSeconds" },
          unit: "second",
          block: { size: seconds, rounding: "UP" },
          rate: { credits },
          source: "DOCUMENTED",
        },
      ],
    },
  };
}

/** "N credits per <thing>", with the count of things as a parameter. */
function perItem(
  slug: string,
  name: string,
  description: string,
  credits: string,
  item: { parameter: string; unit: string; label: string; maximum: string },
): ProductSeed {
  return {
    slug,
    name,
    description,
    operation: `${name} API`,
    category: "video",
    parameters: [
      {
        name: item.parameter,
        type: "INTEGER",
        unit: item.unit,
        description: `Number of ${item.label}.`,
        defaultValue: 1,
        minimum: "1",
        maximum: item.maximum,
      },
    ],
    price: {
      components: [
        {
          code: item.unit,
          description: `${name}, per ${item.unit}`,
          quantity: { param: item.parameter },
          unit: item.unit,
          rate: { credits },
          source: "DOCUMENTED",
        },
      ],
    },
  };
}

export default defineProviderSeed({
  id: "creatify",
  name: "Creatify",
  description: "API access comes with a monthly subscription that includes credits; each API consumes credits per output length, request or item.",
  sourceDocument: "002_722cc5c6b31bfa5f.txt",
  subscriptionPlans: [
    {
      slug: "api-starter",
      name: "API Starter",
      description: "For small projects and testing.",
      monthlyCredits: "500",
      priceUsd: "99",
      interval: "MONTH",
      contactSales: false,
      source: "DOCUMENTED",
      creditsExpire: monthlyCreditsExpire,
    },
    {
      slug: "api-pro",
      name: "API Pro",
      description: "For growing businesses.",
      monthlyCredits: "2000",
      priceUsd: "299",
      interval: "MONTH",
      contactSales: false,
      source: "DOCUMENTED",
      creditsExpire: monthlyCreditsExpire,
    },
    {
      slug: "api-enterprise",
      name: "API Enterprise",
      description: "Custom credits and pricing for high volume; arranged with sales.",
      contactSales: true,
      source: "DOCUMENTED",
    },
  ],
  models: ASSET_MODELS.map(({ slug, modelName, name, kind, credits }) => ({
    slug,
    name,
    description: `Asset Generator ${kind} model (model_name "${modelName}"); priced per generated ${kind}.`,
    variants: [{ slug: "per-output", name: "default", billingUnit: "PER_GENERATION" as const, credits, source: "ASSUMED" as const, note: ASSET_MODEL_NOTE }],
  })),
  products: [
    perIncrement("url-to-video", "URL to Video", "Turns a product URL into a video ad.", "5", "30"),
    perIncrement("ai-avatar", "AI Avatar", "A talking AI avatar video.", "5", "30"),
    perIncrement("aurora", "Aurora", "Aurora avatar video, per second.", "1", "1"),
    perIncrement("aurora-fast", "Aurora Fast", "Aurora Fast avatar video, per second.", "0.5", "1"),
    perIncrement("custom-template-video", "Custom Template Video", "A video from a custom template.", "5", "30"),
    {
      slug: "asset-generator",
      name: "Asset Generator",
      description: "Generates images or video assets with the model the request chooses; each generated asset costs the model's rate.",
      operation: "Asset Generator API",
      category: "video",
      models: ASSET_MODELS.map((model) => model.slug),
      parameters: [
        {
          name: "assetCount",
          type: "INTEGER",
          unit: "asset",
          description: "Number of assets to generate (outputs).",
          defaultValue: 1,
          minimum: "1",
          maximum: "100",
        },
      ],
      price: {
        components: [
          {
            code: "asset",
            description: "Generated asset",
            quantity: { param: "assetCount" },
            unit: "asset",
            rate: { variant: { match: {} } },
            source: "ASSUMED",
            note: ASSET_MODEL_NOTE,
          },
        ],
      },
    },
    {
      slug: "text-generator",
      name: "Text Generator",
      description: "Generates text; billed per generation from the tokens used.",
      operation: "Text Generator API",
      category: "text",
      parameters: [
        {
          name: "tokenCount",
          type: "INTEGER",
          unit: "token",
          description: "Tokens the generation uses, prompt and output together (the doc does not split them). At most 100,000, an assumed cap.",
          required: true,
          minimum: "1",
          maximum: "100000",
        },
      ],
      price: {
        components: [
          {
            code: "tokens",
            description: "Text generation, per 1,000 tokens",
            quantity: { param: "tokenCount" },
            unit: "token",
            block: { size: "1000", rounding: "UP" },
            rate: { credits: "1" },
            source: "ASSUMED",
            note: "The doc bills per generation by tokens without a rate; 1 credit per started 1,000 tokens assumed, so a short generation costs the 1 credit of an AI Scripts request.",
          },
        ],
      },
    },
    perIncrement("text-to-speech", "Text to Speech", "Synthesized speech audio.", "1", "30", "audio"),
    {
      slug: "ai-scripts",
      name: "AI Scripts",
      description: "Writes a video script.",
      operation: "AI Scripts API",
      category: "text",
      price: {
        components: [
          { code: "request", description: "Script request", quantity: { const: "1" }, unit: "request", rate: { credits: "1" }, source: "DOCUMENTED" },
        ],
      },
    },
    perItem("links", "Links", "Imports a product link for use in videos.", "1", {
      parameter: "linkCount",
      unit: "link",
      label: "links to import",
      maximum: "1000",
    }),
    perIncrement("ai-shorts", "AI Shorts", "Short-form video from a prompt or source.", "5", "30"),
    perIncrement("ai-editing", "AI Editing", "Automatic editing of an uploaded video.", "5", "30"),
    perItem("product-video-image", "Product Video (image)", "Product images generated for a product video.", "2", {
      parameter: "imageCount",
      unit: "image",
      label: "product images to generate",
      maximum: "10000",
    }),
    perIncrement("product-video-video", "Product Video (video)", "A product video clip.", "10", "30"),
    perIncrement("ad-clone", "Ad Clone", "Recreates an existing ad with new assets.", "12", "5"),
  ],
});
