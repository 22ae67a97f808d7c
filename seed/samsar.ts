// Samsar: per-endpoint credit rates. Source: shared/docs/000_2559b125b3e8dbdb.txt
import { defineProviderSeed } from "../src/catalog/seed-schema.js";

const perRequest = { quantity: { const: "1" }, unit: "request" } as const;
const MAX_SECONDS = "86400"; // assumed bounds: 1 s to 24 h of media per request
/** Image list to video: render seconds per supplied image when no duration is given (assumed, see its note). */
const SECONDS_PER_IMAGE = "8";
/** Translate and join: the doc's billing notes say these two are charged once the request is accepted. */
const chargedOnAcceptance = (operation: string) => ({
  source: "DOCUMENTED" as const,
  note: `000_2559b125b3e8dbdb.txt, ${operation}: the credits are charged when Samsar accepts the request, not when the render ends; so a job consumes them at creation.`,
});

/** The doc lists these express models and gives only the 60-700 range of their base credits. */
const expressModels: Array<[slug: string, name: string, baseCredits: string]> = [
  ["runwayml", "RUNWAYML", "100"],
  ["klingimgtovid3pro", "KLINGIMGTOVID3PRO", "300"],
  ["hailuo", "HAILUO", "150"],
  ["hailuopro", "HAILUOPRO", "250"],
  ["seedancei2v", "SEEDANCEI2V", "120"],
  ["veo3.1i2v", "VEO3.1I2V", "600"],
  ["veo3.1i2vfast", "VEO3.1I2VFAST", "300"],
  ["sora2", "SORA2", "400"],
  ["sora2pro", "SORA2PRO", "700"],
];

export default defineProviderSeed({
  id: "samsar",
  name: "Samsar",
  description:
    "One credit plan shared by VidGenie, Studio Creator and Express Narrative Creator; each API endpoint charges a fixed or per-second number of credits.",
  sourceDocument: "000_2559b125b3e8dbdb.txt",
  models: [
    ...expressModels.map(([slug, name, credits]) => ({
      slug,
      name,
      description: `Express text-to-video model ${name}.`,
      variants: [
        {
          slug: "default",
          name: "default",
          billingUnit: "PER_GENERATION" as const,
          credits,
          source: "ASSUMED" as const,
          note: "The doc gives base credits only as a 60-700 range across models; this model's value is assumed.",
        },
      ],
    })),
    {
      slug: "hunyuan",
      name: "HUNYUAN",
      description: "Hunyuan text-to-video model; charged at 1.5 times its base credits.",
      multiplier: { factor: "1.5", source: "DOCUMENTED" },
      variants: [
        {
          slug: "default",
          name: "default",
          billingUnit: "PER_GENERATION",
          credits: "100",
          source: "ASSUMED",
          note: "Base credits assumed within the documented 60-700 range; the 1.5x multiplier is documented.",
        },
      ],
    },
  ],
  products: [
    {
      slug: "text-to-video",
      name: "Text to video",
      description: "Generates a video from a text prompt with one of the express video models.",
      operation: "POST /video/text_to_video",
      category: "video",
      models: [...expressModels.map(([slug]) => slug), "hunyuan"],
      price: {
        components: [
          {
            code: "model_base",
            description: "Base credits of the chosen model",
            ...perRequest,
            rate: { variant: { match: {} } },
            source: "ASSUMED",
            note: "Per-model base credits are assumed within the documented 60-700 range.",
          },
        ],
      },
    },
    {
      slug: "image-list-to-video",
      name: "Image list to video",
      description: "Renders a video from a list of images with the fixed VEO3.1I2V pipeline model.",
      operation: "POST /video/image_list_to_video",
      category: "video",
      parameters: [
        {
          name: "durationSeconds",
          type: "DECIMAL",
          unit: "second",
          description: `Duration of the final render, when known. Wins over imageUrls when both are given: the doc bills the final render's duration, and this is it, not our ${SECONDS_PER_IMAGE} s per image estimate.`,
          minimum: "1",
          maximum: MAX_SECONDS,
        },
        // 1000 images: an assumed cap (the doc gives none), 8000 s at the assumed seconds per image.
        {
          name: "imageUrls",
          type: "STRING_LIST",
          description: `The images to render. Without durationSeconds the duration is derived from them, ${SECONDS_PER_IMAGE} s per image (assumed; see the render_from_images line's note); durationSeconds wins when given.`,
          maxItems: 1000,
        },
      ],
      price: {
        components: [
          {
            code: "render",
            description: "Rendered video",
            when: { param: "durationSeconds", present: true },
            quantity: { param: "durationSeconds" },
            unit: "second",
            rate: { credits: "50" },
            source: "DOCUMENTED",
          },
          {
            code: "render_from_images",
            description: "Rendered video, duration derived from the images",
            when: { param: "durationSeconds", present: false },
            // durationSeconds is never there here: it is listed so that a request with neither names both.
            quantity: { coalesce: [{ param: "durationSeconds" }, { mul: [{ count: "imageUrls" }, { const: SECONDS_PER_IMAGE }] }] },
            unit: "second",
            rate: { credits: "50" },
            source: "ASSUMED",
            note: `The rate is documented; the duration is not: the doc derives it from the images without saying how, so ${SECONDS_PER_IMAGE} s per image is assumed (one VEO3.1I2V clip per image at Veo 3.1's default clip length). Give durationSeconds to bill the real length.`,
          },
        ],
      },
    },
    {
      slug: "translate-video",
      name: "Translate video",
      description: "Translates an existing session's video; charged when the request is accepted.",
      operation: "POST /video/translate_video",
      category: "video",
      chargedOnAcceptance: chargedOnAcceptance("POST /video/translate_video"),
      parameters: [
        {
          name: "sourceDurationSeconds",
          type: "DECIMAL",
          unit: "second",
          description: "Duration of the source session being translated.",
          required: true,
          minimum: "1",
          maximum: MAX_SECONDS,
        },
      ],
      price: {
        components: [
          {
            code: "translation",
            description: "Translated source duration",
            quantity: { param: "sourceDurationSeconds" },
            unit: "second",
            rate: { credits: "2" },
            source: "DOCUMENTED",
          },
        ],
      },
    },
    {
      slug: "join-videos",
      name: "Join videos",
      description: "Joins several sessions into one video, billed on the joined duration.",
      operation: "POST /video/join_videos",
      category: "video",
      chargedOnAcceptance: chargedOnAcceptance("POST /video/join_videos"),
      parameters: [
        {
          name: "sessionDurationsSeconds",
          type: "DECIMAL_LIST",
          unit: "second",
          description: "Duration of each session to join; the bill uses their sum.",
          required: true,
          minimum: "1",
          maximum: MAX_SECONDS,
          maxItems: 100,
        },
      ],
      price: {
        components: [
          {
            code: "joined_duration",
            description: "Joined duration (sum of the sessions)",
            quantity: { sum: "sessionDurationsSeconds" },
            unit: "second",
            rate: { credits: "2" },
            source: "DOCUMENTED",
          },
        ],
      },
    },
    {
      slug: "remove-subtitles",
      name: "Remove subtitles",
      description: "Clones a session without its subtitle overlays and re-renders it, at no extra charge.",
      operation: "POST /video/remove_subtitles",
      category: "video",
      price: {
        components: [{ code: "request", description: "Subtitle removal", ...perRequest, rate: { credits: "0" }, source: "DOCUMENTED" }],
      },
    },
    {
      slug: "cancel-render",
      name: "Cancel render",
      description: "Cancels a session's render in progress and drops its queued tasks, at no charge.",
      operation: "POST /video/cancel_render",
      category: "video",
      price: {
        components: [{ code: "request", description: "Render cancellation", ...perRequest, rate: { credits: "0" }, source: "DOCUMENTED" }],
      },
    },
    {
      slug: "add-outro-image",
      name: "Add outro image",
      description: "Clones a session, adds or replaces its outro image, and re-renders it.",
      operation: "POST /video/add_outro_image",
      category: "video",
      price: {
        components: [{ code: "request", description: "Outro image render", ...perRequest, rate: { credits: "50" }, source: "DOCUMENTED" }],
      },
    },
    {
      slug: "image-enhance",
      name: "Enhance image",
      description: "Upscales and enhances an image; the output resolution sets the price.",
      operation: "POST /image/enhance",
      category: "image",
      parameters: [
        {
          name: "resolution",
          type: "STRING",
          description: "Output resolution tier.",
          defaultValue: "1k",
          allowedValues: ["1k", "2k", "4k"],
        },
      ],
      price: {
        components: [
          {
            code: "enhance",
            description: "Image enhancement",
            ...perRequest,
            rate: { byParameter: "resolution", credits: { "1k": "30", "2k": "50", "4k": "60" } },
            source: "DOCUMENTED",
          },
        ],
      },
    },
    {
      slug: "remove-branding",
      name: "Remove branding",
      description: "Removes branding from an image (asynchronous; poll the image status).",
      operation: "POST /image/remove_branding",
      category: "image",
      price: {
        components: [{ code: "request", description: "Branding removal", ...perRequest, rate: { credits: "50" }, source: "DOCUMENTED" }],
      },
    },
    {
      slug: "add-image-set",
      name: "Add image set",
      description: "Generates a set of images; the number generated defaults to the number of image URLs sent.",
      operation: "POST /image/add_image_set",
      category: "image",
      parameters: [
        {
          name: "imageUrls",
          type: "STRING_LIST",
          description: "Source image URLs; their count is the number of images when numImages is omitted.",
          maxItems: 10000,
        },
        {
          name: "numImages",
          type: "INTEGER",
          unit: "image",
          description: "Number of images to generate; defaults to the number of imageUrls.",
          minimum: "1",
          maximum: "10000",
        },
      ],
      price: {
        components: [
          {
            code: "images",
            description: "Generated images",
            quantity: { coalesce: [{ param: "numImages" }, { count: "imageUrls" }] },
            unit: "image",
            rate: { credits: "50" },
            source: "DOCUMENTED",
          },
        ],
      },
    },
    {
      slug: "create-rollup-banner",
      name: "Create rollup banner",
      description: "Builds a rollup banner from a set of images.",
      operation: "POST /image/create_rollup_banner",
      category: "image",
      price: {
        components: [{ code: "banner", description: "Rollup banner", ...perRequest, rate: { credits: "20" }, source: "DOCUMENTED" }],
      },
    },
    {
      slug: "create-rollup-banner-with-enhance",
      name: "Create rollup banner with enhance",
      description: "Enhances low-resolution tiles as needed, then builds a rollup banner.",
      operation: "POST /image/create_rollup_banner_with_enhance",
      category: "image",
      parameters: [
        {
          name: "enhancedTiles",
          type: "INTEGER",
          unit: "tile",
          description: "Number of tiles that need enhancing before the banner is built.",
          defaultValue: 0,
          minimum: "0",
          maximum: "1000",
        },
        {
          name: "enhanceResolution",
          type: "STRING",
          description: "Resolution tier the tiles are enhanced to.",
          defaultValue: "1k",
          allowedValues: ["1k", "2k", "4k"],
        },
      ],
      price: {
        components: [
          {
            code: "enhance",
            description: "Tile enhancement",
            quantity: { param: "enhancedTiles" },
            unit: "tile",
            rate: { byParameter: "enhanceResolution", credits: { "1k": "30", "2k": "50", "4k": "60" } },
            source: "ASSUMED",
            note: "The doc says 'enhance credits + 20'; read as one image-enhance charge per enhanced tile.",
          },
          { code: "banner", description: "Rollup banner", ...perRequest, rate: { credits: "20" }, source: "DOCUMENTED" },
        ],
      },
    },
    {
      slug: "chat-enhance",
      name: "Chat enhance",
      description: "Enhances a prompt or text synchronously.",
      operation: "POST /chat/enhance",
      category: "text",
      price: {
        components: [{ code: "request", description: "Chat enhancement", ...perRequest, rate: { credits: "20" }, source: "DOCUMENTED" }],
      },
    },
  ],
});
