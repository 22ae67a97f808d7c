// Hoox: the asset price preview. Source: shared/docs/003_40ad71f66e99a58a.txt
import { defineProviderSeed } from "../src/catalog/seed-schema.js";

const DURATIONS = [4, 6, 8];
/** The doc's resolutions: 720p, 1080p and 2K. */
const RESOLUTIONS = ["720p", "1080p", "2K"];
/** Credits per second of Veo 3.1; only 1080p is documented (80 credits for 8 s). */
const VEO_PER_SECOND: Record<string, number> = { "720p": 10, "1080p": 10, "2K": 15 };
/** Credits per image of reve-fast, all assumed. */
const REVE_PER_IMAGE: Record<string, string> = { "720p": "4", "1080p": "4", "2K": "6" };

const TWO_K_NOTE = "No 2K price is documented; 1.5x the 1080p rate assumed, as a higher resolution costs more.";

/** The doc's one priced example: veo-3.1, 8 s, 1080p costs 80 credits per generation. */
function veoVariant(resolution: string, seconds: number) {
  const documented = resolution === "1080p" && seconds === 8;
  const note =
    resolution === "2K" ? `${TWO_K_NOTE} 15 credits per second.` : "Only 8 s at 1080p (80 credits) is documented; 10 credits per second assumed for the rest.";
  return {
    slug: `${resolution.toLowerCase()}-${seconds}s`,
    name: `${resolution} ${seconds}s`,
    resolution,
    durationSeconds: seconds,
    billingUnit: "PER_GENERATION" as const,
    credits: String(seconds * VEO_PER_SECOND[resolution]),
    source: documented ? ("DOCUMENTED" as const) : ("ASSUMED" as const),
    ...(documented ? {} : { note }),
  };
}

function reveVariant(resolution: string) {
  const note =
    resolution === "2K"
      ? `${TWO_K_NOTE} 6 credits per image.`
      : "The doc names reve-fast as priced per image but gives no rate; 4 credits per image assumed, a twentieth of the documented 80-credit Veo clip.";
  return {
    slug: resolution.toLowerCase(),
    name: resolution,
    resolution,
    billingUnit: "PER_IMAGE" as const,
    credits: REVE_PER_IMAGE[resolution],
    source: "ASSUMED" as const,
    note,
  };
}

export default defineProviderSeed({
  id: "hoox",
  name: "Hoox",
  description:
    "Generations are priced per model: video models by duration and resolution, per-image models by image count; a preview call returns the cost per generation and the total for several variations.",
  sourceDocument: "003_40ad71f66e99a58a.txt",
  models: [
    {
      slug: "veo-3.1",
      name: "Veo 3.1",
      description: "Google Veo 3.1 video model; supports 4, 6 and 8 second clips at 720p, 1080p or 2K.",
      variants: RESOLUTIONS.flatMap((resolution) => DURATIONS.map((seconds) => veoVariant(resolution, seconds))),
    },
    {
      slug: "reve-fast",
      name: "Reve Fast",
      description: "Reve's fast image model; the doc's example of a model priced per image (image_count).",
      variants: RESOLUTIONS.map(reveVariant),
    },
  ],
  products: [
    {
      slug: "asset-generation",
      name: "Asset generation",
      description: "One generation of an asset by the model the request names; a duration the model does not support snaps to the nearest supported one.",
      operation: "POST /api/public/v1/asset/pricing",
      category: "video",
      models: ["veo-3.1", "reve-fast"],
      modelRequired: true,
      parameters: [
        {
          name: "duration",
          type: "INTEGER",
          unit: "second",
          description:
            "Clip length (doc field duration), used by video models; an unsupported length snaps to the nearest supported one (a tie snaps up). Accepted up to 600 s, an assumed cap (the doc gives none): more is taken for a unit mistake.",
          defaultValue: 8,
          allowedValues: DURATIONS,
          minimum: "1",
          maximum: "600",
          normalize: "NEAREST",
        },
        {
          name: "resolution",
          type: "STRING",
          description: "Output resolution (doc field resolution).",
          defaultValue: "1080p",
          allowedValues: RESOLUTIONS,
        },
        {
          name: "generateAudio",
          type: "BOOLEAN",
          description: "Veo 3.1's audio track (doc field model_settings.generateAudio, a setting the doc says affects cost); other models ignore it.",
          defaultValue: false,
        },
        {
          name: "imageCount",
          type: "INTEGER",
          unit: "image",
          description:
            "Reference images (doc field image_count): needed by per-image models such as reve-fast, ignored by the others. At most 10, an assumed cap (the doc gives none).",
          minimum: "1",
          maximum: "10",
        },
      ],
      price: {
        components: [
          {
            code: "generation",
            description: "Generated clip",
            when: { model: "veo-3.1" },
            quantity: { const: "1" },
            unit: "generation",
            rate: { variant: { match: { resolution: "resolution", durationSeconds: "duration" } } },
            source: "ASSUMED",
            note: "Priced by the model variant for this duration and resolution; only 8 s at 1080p is documented.",
          },
          {
            code: "images",
            description: "Reference images",
            when: { model: "reve-fast" },
            quantity: { param: "imageCount" },
            unit: "image",
            rate: { variant: { match: { resolution: "resolution" } } },
            source: "ASSUMED",
            note: "Per-image models cost their per-image rate x image_count, as the doc says; no rate is documented.",
          },
          {
            code: "audio",
            description: "Generated audio track",
            when: { all: [{ model: "veo-3.1" }, { param: "generateAudio" }] },
            quantity: { const: "1" },
            unit: "generation",
            rate: { percentOf: ["generation"], percent: "50" },
            source: "ASSUMED",
            note: "The doc says some settings affect cost without saying how; its 80-credit example sends none, so it is read as silent, and generateAudio is assumed to add 50% of the clip's credits.",
          },
        ],
      },
    },
  ],
});
