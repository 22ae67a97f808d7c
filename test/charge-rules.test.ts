/**
 * Vendor rules about when and what a job is charged, through the GraphQL API: Samsar's
 * translate and join are charged on acceptance, Subclip's YouTube transcript credit is not
 * charged when the fetch falls back to speech recognition.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const USER_ERRORS = "userErrors { field code message }";
const ACCOUNT = "account { balance reserved available }";
const JOB =
  "job { id status reservedCredits consumedCredits chargedOnAcceptance resolvedAt lineItems { code credits } transactions { type amount description } }";

async function jobCreate(key: Record<string, string>, input: Record<string, unknown>) {
  const { body } = await server.gql(
    `mutation ($input: JobCreateInput!) { jobCreate(input: $input) { ${JOB} transaction { type amount } ${ACCOUNT} ${USER_ERRORS} } }`,
    { input },
    key,
  );
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data.jobCreate;
}

async function resolveJob(key: Record<string, string>, mutation: "jobComplete" | "jobFail" | "jobCancel", input: Record<string, unknown>) {
  const inputType = { jobComplete: "JobCompleteInput", jobFail: "JobFailInput", jobCancel: "JobCancelInput" }[mutation];
  const { body } = await server.gql(`mutation ($input: ${inputType}!) { ${mutation}(input: $input) { ${JOB} ${ACCOUNT} ${USER_ERRORS} } }`, { input }, key);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data[mutation];
}

const translate = (seconds: number) => ({ productId: "samsar/translate-video", parameters: [{ name: "sourceDurationSeconds", value: seconds }] });

describe("Samsar: products charged when the request is accepted", () => {
  it("says so on the product, with the document cited", async () => {
    const { body } = await server.gql(`{
      translate: product(id: "samsar/translate-video") { chargedOnAcceptance chargeTiming { source note } }
      join: product(id: "samsar/join-videos") { chargedOnAcceptance chargeTiming { source } }
      imageList: product(id: "samsar/image-list-to-video") { chargedOnAcceptance chargeTiming { source } }
    }`);
    expect(body.data.translate.chargedOnAcceptance).toBe(true);
    expect(body.data.translate.chargeTiming.source).toBe("DOCUMENTED");
    expect(body.data.translate.chargeTiming.note).toContain("000_2559b125b3e8dbdb.txt");
    expect(body.data.join).toEqual({ chargedOnAcceptance: true, chargeTiming: { source: "DOCUMENTED" } });
    expect(body.data.imageList).toEqual({ chargedOnAcceptance: false, chargeTiming: null });
  });

  it("consumes a translate job's credits when it is created, and the job is resolved for good", async () => {
    const samsar = await createTestAccount(server, "Samsar translate", "500", "samsar");
    const created = await jobCreate(samsar.key, { estimate: translate(30.5) });
    expect(created.userErrors).toEqual([]);
    expect(created.job).toMatchObject({
      status: "COMPLETED",
      reservedCredits: "61",
      consumedCredits: "61",
      chargedOnAcceptance: true,
      lineItems: [{ code: "translation", credits: "61" }],
    });
    expect(created.job.resolvedAt).not.toBeNull();
    expect(created.job.transactions.map((t: { type: string; amount: string }) => [t.type, t.amount])).toEqual([
      ["RESERVE", "-61"],
      ["RELEASE", "61"],
      ["CONSUME", "-61"],
    ]);
    expect(created.job.transactions[1].description).toContain("charged on acceptance");
    expect(created.transaction).toEqual({ type: "RESERVE", amount: "-61" });
    expect(created.account).toEqual({ balance: "439", reserved: "0", available: "439" });

    for (const mutation of ["jobComplete", "jobFail", "jobCancel"] as const) {
      const again = await resolveJob(samsar.key, mutation, { jobId: created.job.id });
      expect(again.userErrors).toEqual([{ field: ["input", "jobId"], code: "JOB_ALREADY_RESOLVED", message: `Job ${created.job.id} is already completed` }]);
    }
    const { body } = await server.gql(`{ viewer { balance reserved } }`, undefined, samsar.key);
    expect(body.data.viewer).toEqual({ balance: "439", reserved: "0" });
    expect(await server.audit()).toEqual([]);
  });

  it("does the same for join, once per idempotency key, and refuses what the wallet cannot cover", async () => {
    const samsar = await createTestAccount(server, "Samsar join", "100", "samsar");
    const join = { productId: "samsar/join-videos", parameters: [{ name: "sessionDurationsSeconds", value: [10, 20.25] }] };
    const first = await jobCreate(samsar.key, { estimate: join, idempotencyKey: "join-1" });
    expect(first.job).toMatchObject({ status: "COMPLETED", reservedCredits: "60.5", consumedCredits: "60.5", chargedOnAcceptance: true });
    const retry = await jobCreate(samsar.key, { estimate: join, idempotencyKey: "join-1" });
    expect(retry.job.id).toBe(first.job.id);
    expect(retry.account).toEqual({ balance: "39.5", reserved: "0", available: "39.5" });
    const tooMuch = await jobCreate(samsar.key, { estimate: join });
    expect(tooMuch.userErrors).toEqual([
      { field: null, code: "INSUFFICIENT_CREDITS", message: "Insufficient samsar credits: the job needs 60.5, 39.5 are available, 21 missing" },
    ]);
    expect(await server.audit()).toEqual([]);
  });

  it("holds the credits of a product charged later, as before", async () => {
    const samsar = await createTestAccount(server, "Samsar render", "500", "samsar");
    const created = await jobCreate(samsar.key, { estimate: { productId: "samsar/image-list-to-video", parameters: [{ name: "durationSeconds", value: 2 }] } });
    expect(created.job).toMatchObject({ status: "RESERVED", reservedCredits: "100", consumedCredits: "0", chargedOnAcceptance: false, resolvedAt: null });
    expect(created.account).toEqual({ balance: "500", reserved: "100", available: "400" });
  });
});

const clipping = (youtubeTranscript: boolean, generationCount?: number) => ({
  productId: "subclip/ai-clipping",
  ...(generationCount ? { generationCount } : {}),
  parameters: [
    { name: "sourceDurationSeconds", value: 90 },
    { name: "dynamicCaptions", value: true },
    { name: "youtubeTranscript", value: youtubeTranscript },
  ],
});

describe("Subclip AI Clipping: no transcript credit when the fetch falls back to speech recognition", () => {
  it("leaves that line's credits out of the consumption, exactly", async () => {
    const subclip = await createTestAccount(server, "Subclip fallback", "100", "subclip");
    const created = await jobCreate(subclip.key, { estimate: clipping(true) });
    expect(created.job.lineItems).toEqual([
      { code: "clipping_pipeline", credits: "1.5" },
      { code: "api_orchestration", credits: "5" },
      { code: "caption_analysis", credits: "1" },
      { code: "youtube_transcript", credits: "1" },
    ]);
    expect(created.job.reservedCredits).toBe("8.5");
    const completed = await resolveJob(subclip.key, "jobComplete", { jobId: created.job.id, transcriptFallback: true });
    expect(completed.userErrors).toEqual([]);
    expect(completed.job).toMatchObject({ status: "COMPLETED", reservedCredits: "8.5", consumedCredits: "7.5" });
    expect(completed.job.transactions.map((t: { type: string; amount: string }) => [t.type, t.amount])).toEqual([
      ["RESERVE", "-8.5"],
      ["RELEASE", "8.5"],
      ["CONSUME", "-7.5"],
    ]);
    expect(completed.job.transactions[1].description).toContain("fell back to speech recognition");
    expect(completed.account).toEqual({ balance: "92.5", reserved: "0", available: "92.5" });

    // Each generation fetched (or failed to fetch) its transcript: every one's credit is left out.
    const twice = await jobCreate(subclip.key, { estimate: clipping(true, 2) });
    expect(twice.job.reservedCredits).toBe("17");
    const both = await resolveJob(subclip.key, "jobComplete", { jobId: twice.job.id, transcriptFallback: true });
    expect(both.job.consumedCredits).toBe("15");

    // false is the ordinary completion: the transcript was fetched and is charged.
    const fetched = await jobCreate(subclip.key, { estimate: clipping(true) });
    const charged = await resolveJob(subclip.key, "jobComplete", { jobId: fetched.job.id, transcriptFallback: false });
    expect(charged.job.consumedCredits).toBe("8.5");
    expect(await server.audit()).toEqual([]);
  });

  it("refuses it, naming the field and changing nothing, on a job without a transcript line or with consumedCredits", async () => {
    const subclip = await createTestAccount(server, "Subclip refusals", "100", "subclip");
    const noTranscript = await jobCreate(subclip.key, { estimate: clipping(false) });
    const speech = await jobCreate(subclip.key, { estimate: { productId: "subclip/text-to-speech", parameters: [{ name: "durationSeconds", value: 60 }] } });
    const withTranscript = await jobCreate(subclip.key, { estimate: clipping(true) });
    const bare = await jobCreate(subclip.key, { credits: "3" });
    const before = (await server.gql(`{ viewer { balance reserved transactions(first: 100) { edges { node { id } } } } }`, undefined, subclip.key)).body.data;

    for (const job of [noTranscript.job, speech.job, bare.job]) {
      const refused = await resolveJob(subclip.key, "jobComplete", { jobId: job.id, transcriptFallback: true });
      expect(refused.job).toBeNull();
      expect(refused.userErrors).toEqual([
        {
          field: ["input", "transcriptFallback"],
          code: "BAD_USER_INPUT",
          message: `Job ${job.id} was not priced with a YouTube transcript fetch (a youtube_transcript line, as Subclip AI Clipping with youtubeTranscript has): there is no transcript credit to leave out`,
        },
      ]);
    }
    const both = await resolveJob(subclip.key, "jobComplete", { jobId: withTranscript.job.id, transcriptFallback: true, consumedCredits: "7.5" });
    expect(both.userErrors).toEqual([
      {
        field: ["input", "transcriptFallback"],
        code: "BAD_USER_INPUT",
        message: "Give transcriptFallback or consumedCredits, not both: consumedCredits is what the job used, the transcript credit already left out",
      },
    ]);
    const after = (await server.gql(`{ viewer { balance reserved transactions(first: 100) { edges { node { id } } } } }`, undefined, subclip.key)).body.data;
    expect(after).toEqual(before);

    // The refused jobs are still open and complete as usual.
    const completed = await resolveJob(subclip.key, "jobComplete", { jobId: noTranscript.job.id });
    expect(completed.job).toMatchObject({ status: "COMPLETED", consumedCredits: "7.5" });
    expect(await server.audit()).toEqual([]);
  });
});

describe("Samsar image list to video: a duration derived from the images, or given", () => {
  const ESTIMATE = `query ($parameters: [ParameterInput!]) {
    estimate(input: { productId: "samsar/image-list-to-video", parameters: $parameters }) { totalCredits lineItems { code quantity unit unitCredits credits source } }
  }`;
  const estimate = async (parameters: Array<{ name: string; value: unknown }>) => (await server.gql(ESTIMATE, { parameters })).body;
  const images = (count: number) => ({ name: "imageUrls", value: Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`) });

  it("prices images x the assumed seconds per image when no duration is given", async () => {
    const { data } = await estimate([images(3)]);
    expect(data.estimate).toEqual({
      totalCredits: "1200",
      lineItems: [{ code: "render_from_images", quantity: "24", unit: "second", unitCredits: "50", credits: "1200", source: "ASSUMED" }],
    });
  });

  it("bills an explicit duration, documented, which wins over the images", async () => {
    const alone = await estimate([{ name: "durationSeconds", value: 2.5 }]);
    expect(alone.data.estimate.lineItems).toEqual([
      { code: "render", quantity: "2.5", unit: "second", unitCredits: "50", credits: "125", source: "DOCUMENTED" },
    ]);
    const both = await estimate([images(3), { name: "durationSeconds", value: 10 }]);
    expect(both.data.estimate).toEqual({
      totalCredits: "500",
      lineItems: [{ code: "render", quantity: "10", unit: "second", unitCredits: "50", credits: "500", source: "DOCUMENTED" }],
    });
  });

  it("needs one of them, and at most 1000 images", async () => {
    const neither = await estimate([]);
    expect(neither.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "durationSeconds"] });
    expect(neither.errors?.[0].message).toBe('Parameter "durationSeconds" or "imageUrls" is needed to price rendered video, duration derived from the images');
    const tooMany = await estimate([images(1001)]);
    expect(tooMany.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "parameters", "imageUrls"] });
  });

  it("says which wins and why the seconds per image are assumed", async () => {
    const { body } = await server.gql(
      `{ product(id: "samsar/image-list-to-video") { source parameters { name required description } priceComponents { code source note } } }`,
    );
    const [duration, urls] = body.data.product.parameters;
    expect([duration.name, duration.required, urls.name, urls.required]).toEqual(["durationSeconds", false, "imageUrls", false]);
    expect(duration.description).toContain("Wins over imageUrls when both are given");
    expect(urls.description).toContain("8 s per image");
    expect(urls.description).toContain("durationSeconds wins when given");
    const derived = body.data.product.priceComponents.find((c: { code: string }) => c.code === "render_from_images");
    expect(derived.source).toBe("ASSUMED");
    expect(derived.note).toContain("8 s per image is assumed");
    expect(body.data.product.source).toBe("ASSUMED");
  });

  it("reserves what the images cost for a job", async () => {
    const samsar = await createTestAccount(server, "Samsar images", "2000", "samsar");
    const created = await jobCreate(samsar.key, { estimate: { productId: "samsar/image-list-to-video", parameters: [images(2)] } });
    expect(created.job).toMatchObject({
      status: "RESERVED",
      reservedCredits: "800",
      chargedOnAcceptance: false,
      lineItems: [{ code: "render_from_images", credits: "800" }],
    });
    expect(created.account).toEqual({ balance: "2000", reserved: "800", available: "1200" });
  });
});
