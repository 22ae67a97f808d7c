// Hoox: the asset price preview. Source: shared/docs/003_40ad71f66e99a58a.txt
import { defineProviderSeed } from "../src/catalog/seed-schema.js";

const DURATIONS = [4, 6, 8];
const RESOLUTIONS = ["720p", "1080p"];

/** The doc's one priced example: veo-3.1, 8 s, 1080p costs 80 credits per generation. */
function veoVariant(resolution: string, seconds: number) {
  const documented = resolution === "1080p" && seconds === 8;
  return {
    slug: `${resolution}-${seconds}s`,
    name: `${resolution} ${seconds}s`,
    resolution,
    durationSeconds: seconds,
    billingUnit: "PER_GENERATION" as const,
    credits: String(seconds * 10),
    source: documented ? ("DOCUMENTED" as const) : ("ASSUMED" as const),
    ...(documented
      ? {}
      : { note: "Only 8 s at 1080p (80 credits) is documented; 10 credits per second assumed for the rest." }),
  };
}

export default defineProviderSeed({
  id: "hoox",
  name: "Hoox",
  description:
    "Generations are priced per model, duration and resolution; a preview call returns the cost per generation and the total for several variations.",
  sourceDocument: "003_40ad71f66e99a58a.txt",
  models: [
    {
      slug: "veo-3.1",
      name: "Veo 3.1",
      description: "Google Veo 3.1 video model; supports 4, 6 and 8 second clips at 720p or 1080p.",
      variants: RESOLUTIONS.flatMap((resolution) => DURATIONS.map((seconds) => veoVariant(resolution, seconds))),
    },
  ],
  products: [
    {
      slug: "asset-generation",
      name: "Asset generation",
      description:
        "One generation of a video asset; a duration the model does not support snaps to the nearest supported one.",
      operation: "POST /api/public/v1/asset/pricing",
      category: "video",
      models: ["veo-3.1"],
      parameters: [
        {
          name: "duration",
          type: "INTEGER",
          unit: "second",
          description: "Clip length; an unsupported length snaps to the nearest supported one (a tie snaps up).",
          defaultValue: 8,
          allowedValues: DURATIONS,
          minimum: "1",
          maximum: "60",
          normalize: "NEAREST",
        },
        {
          name: "resolution",
          type: "STRING",
          description: "Output resolution.",
          defaultValue: "1080p",
          allowedValues: RESOLUTIONS,
        },
      ],
      price: {
        components: [
          {
            code: "generation",
            description: "Generated clip",
            quantity: { const: "1" },
            unit: "generation",
            rate: { variant: { match: { resolution: "resolution", durationSeconds: "duration" } } },
            source: "ASSUMED",
            note: "Priced by the model variant for this duration and resolution; only 8 s at 1080p is documented.",
          },
        ],
      },
    },
  ],
});
