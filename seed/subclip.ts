// Subclip: formula-based credits with minimums, add-ons and rounding. Source: shared/docs/004_2276d998eeb372d0.txt
import { defineProviderSeed } from "../src/catalog/seed-schema.js";

const MAX_SECONDS = "86400";
// Short media exist (the minimum charges are for them), so any positive length is priced; the cap is ours.
const SHORTEST_SECONDS = "0.000001";
const durationBounds = {
  source: "ASSUMED" as const,
  note: "Any positive length is priced (the doc's minimum charges exist for short media); the 24 h cap per request is assumed, the doc gives none.",
};
const minutesOf = (param: string) => ({ div: [{ param }, { const: "60" }] as [{ param: string }, { const: string }] });
const once = { quantity: { const: "1" }, unit: "job" } as const;
const flag = (name: string, description: string) => ({
  name,
  type: "BOOLEAN" as const,
  description,
  defaultValue: false,
});
const duration = (name: string, description: string, required = true) => ({
  name,
  type: "DECIMAL" as const,
  unit: "second",
  description,
  required,
  minimum: SHORTEST_SECONDS,
  maximum: MAX_SECONDS,
  bounds: durationBounds,
});

export default defineProviderSeed({
  id: "subclip",
  name: "Subclip",
  description:
    "Each API computes credits from a formula over the media's minutes, with minimum charges, add-ons and, for some, rounding up to a whole credit.",
  sourceDocument: "004_2276d998eeb372d0.txt",
  products: [
    {
      slug: "viral-captions",
      name: "Viral Captions",
      description: "Renders a video with generated captions, optionally keeping faces in frame.",
      operation: "Viral Captions API",
      category: "video",
      parameters: [
        duration("durationSeconds", "Length of the rendered video."),
        flag("faceTracking", "Keeps speakers' faces in frame."),
      ],
      price: {
        components: [
          { code: "render", description: "Base render", quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "1" }, source: "DOCUMENTED", note: "Rendered minutes are not rounded: the doc gives no rounding for this API." },
          { code: "transcription", description: "Transcription", ...once, rate: { credits: "1" }, source: "DOCUMENTED" },
          { code: "caption_analysis", description: "Caption analysis", ...once, rate: { credits: "1" }, source: "DOCUMENTED" },
          { code: "face_tracking", description: "Face tracking", when: { param: "faceTracking" }, quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "1" }, minimumCredits: "1", source: "DOCUMENTED" },
        ],
        minimumCredits: { credits: "2", source: "DOCUMENTED" },
      },
    },
    {
      slug: "ai-dubbing",
      name: "AI Dubbing",
      description: "Dubs a video into another language; credits are checked before the job is created.",
      operation: "AI Dubbing API",
      category: "video",
      parameters: [
        duration("durationSeconds", "Length of the video to dub; every request must state it."),
        flag("transcriptSupplied", "A transcript is sent with the request, so no transcription is needed."),
        flag("voiceClone", "Clones the original speaker's voice."),
        flag("multiSpeaker", "Dubs several speakers with distinct voices."),
        flag("preserveBackground", "Keeps the video's background audio under the dub."),
      ],
      price: {
        components: [
          { code: "transcription", description: "Transcription", when: { param: "transcriptSupplied", equals: false }, quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "1" }, source: "DOCUMENTED", note: "1 credit per minute, as the worked examples show." },
          { code: "dubbing", description: "Dubbing", quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "1" }, source: "DOCUMENTED", note: "1 credit per minute, as the worked examples show." },
          { code: "voice_clone_or_multi_speaker", description: "Voice clone / multi-speaker", when: { any: [{ param: "voiceClone" }, { param: "multiSpeaker" }] }, ...once, rate: { credits: "5" }, source: "DOCUMENTED", note: "Read as one add-on: asking for both a clone and several speakers still adds 5." },
          { code: "background_preservation", description: "Background preservation", when: { param: "preserveBackground" }, ...once, rate: { credits: "3" }, source: "DOCUMENTED" },
        ],
      },
    },
    {
      slug: "ai-clipping",
      name: "AI Clipping",
      description: "Cuts clips from a long video, either segments you select or clips the AI picks, and renders them.",
      operation: "AI Clipping API",
      category: "video",
      parameters: [
        flag("segmentsSupplied", "You send the segments to cut, so the AI clip-selection pipeline does not run."),
        duration("sourceDurationSeconds", "Length of the source video; needed when the AI selects the clips.", false),
        flag("dynamicCaptions", "Adds viral-style captions to the clips."),
        flag("youtubeTranscript", "Fetches the YouTube transcript instead of transcribing (charged when the fetch succeeds)."),
      ],
      price: {
        components: [
          { code: "clipping_pipeline", description: "AI clip-selection pipeline", when: { param: "segmentsSupplied", equals: false }, quantity: minutesOf("sourceDurationSeconds"), unit: "minute", rate: { credits: "1" }, source: "ASSUMED", note: "The doc refers to the existing pipeline's credits without a rate; 1 credit per source minute assumed." },
          { code: "api_orchestration", description: "API orchestration (import, packaging, render)", ...once, rate: { credits: "5" }, source: "DOCUMENTED" },
          { code: "caption_analysis", description: "Viral Captions analysis", when: { param: "dynamicCaptions" }, ...once, rate: { credits: "1" }, source: "DOCUMENTED", note: "Read as the Viral Captions caption-analysis credit." },
          { code: "youtube_transcript", description: "YouTube transcript fetch", when: { param: "youtubeTranscript" }, ...once, rate: { credits: "1" }, source: "DOCUMENTED", note: "Estimated as if the fetch succeeds; on fallback to ASR the credit is not charged: jobComplete with transcriptFallback leaves it out." },
        ],
      },
    },
    {
      slug: "text-to-speech",
      name: "Text to Speech",
      description: "Generates speech audio from text, optionally in a cloned voice.",
      operation: "Text to Speech API",
      category: "audio",
      parameters: [
        duration("durationSeconds", "Length of the generated speech."),
        flag("voiceClone", "Speaks in a cloned voice."),
      ],
      price: {
        components: [
          { code: "speech", description: "Generated speech", quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "5" }, minimumCredits: "1", source: "DOCUMENTED" },
          { code: "voice_clone", description: "Voice clone", when: { param: "voiceClone" }, ...once, rate: { credits: "5" }, source: "DOCUMENTED" },
        ],
        rounding: { mode: "UP", source: "DOCUMENTED" },
      },
    },
    {
      slug: "social-media-transcript",
      name: "Social Media Transcript",
      description: "Imports a social media video and transcribes it.",
      operation: "Social Media Transcript API",
      category: "audio",
      parameters: [duration("durationSeconds", "Length of the source media, as probed after import.")],
      price: {
        components: [
          { code: "transcription", description: "Transcription, per started minute", quantity: minutesOf("durationSeconds"), unit: "minute", block: { size: "1", rounding: "UP" }, rate: { credits: "1" }, source: "DOCUMENTED" },
        ],
      },
    },
    {
      slug: "video-studio",
      name: "Video Studio",
      description: "Renders a video from assets, with optional AI planning, asset analysis, background audio and voice-over.",
      operation: "Video Studio API",
      category: "video",
      parameters: [
        duration("durationSeconds", "Length of the rendered video."),
        flag("aiAnalysis", "The AI plans the video and analyses the uploaded assets."),
        { name: "imageCount", type: "INTEGER", unit: "image", description: "Uploaded images the AI analyses (with aiAnalysis).", defaultValue: 0, minimum: "0", maximum: "10000" },
        { name: "videoCount", type: "INTEGER", unit: "video", description: "Uploaded videos the AI analyses (with aiAnalysis).", defaultValue: 0, minimum: "0", maximum: "1000" },
        { name: "audioFileCount", type: "INTEGER", unit: "audio file", description: "Uploaded audio files the AI analyses (with aiAnalysis).", defaultValue: 0, minimum: "0", maximum: "1000" },
        flag("backgroundAudio", "Adds background music or sound effects."),
        flag("voiceover", "Adds a generated voice-over."),
      ],
      price: {
        components: [
          { code: "render", description: "Render", quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "1" }, minimumCredits: "2", source: "DOCUMENTED" },
          { code: "background_audio", description: "Background music / sound effects", when: { param: "backgroundAudio" }, ...once, rate: { credits: "1" }, source: "DOCUMENTED" },
          { code: "ai_planning", description: "AI planning", when: { param: "aiAnalysis" }, ...once, rate: { credits: "2" }, source: "DOCUMENTED" },
          { code: "vision_images", description: "Vision analysis of images", when: { param: "aiAnalysis" }, quantity: { param: "imageCount" }, unit: "image", rate: { credits: "0.25" }, source: "DOCUMENTED", note: "Read as part of AI analysis: charged only when aiAnalysis is on." },
          { code: "vision_videos", description: "Vision analysis of videos", when: { param: "aiAnalysis" }, quantity: { param: "videoCount" }, unit: "video", rate: { credits: "1" }, source: "DOCUMENTED", note: "Read as part of AI analysis: charged only when aiAnalysis is on." },
          { code: "audio_analysis", description: "Audio analysis", when: { param: "aiAnalysis" }, quantity: { param: "audioFileCount" }, unit: "audio file", rate: { credits: "1" }, source: "DOCUMENTED", note: "Read as part of AI analysis: charged only when aiAnalysis is on." },
          { code: "voiceover", description: "Voice-over", when: { param: "voiceover" }, quantity: minutesOf("durationSeconds"), unit: "minute", rate: { credits: "5" }, minimumCredits: "1", source: "DOCUMENTED" },
        ],
      },
    },
    {
      slug: "enhance-audio",
      name: "Enhance Audio",
      description: "Cleans up and enhances an audio track; the provider chosen does not change the price.",
      operation: "Enhance Audio API",
      category: "audio",
      parameters: [duration("durationSeconds", "Length of the audio.")],
      price: {
        components: [
          { code: "enhancement", description: "Audio enhancement", quantity: { param: "durationSeconds" }, unit: "second", rate: { credits: "0.10816" }, minimumCredits: "1", source: "DOCUMENTED" },
        ],
        rounding: { mode: "UP", source: "DOCUMENTED" },
      },
    },
  ],
});
