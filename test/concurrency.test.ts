/** Many clients spending the same credits at once over HTTP: nothing is spent twice. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditAccount } from "../src/accounts/audit.js";
import { createTestAccount, startTestServer, type TestServer } from "./helpers.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("concurrent jobCreate", () => {
  it("with 100 credits available, exactly 10 of 50 simultaneous 10-credit jobs succeed", async () => {
    const { accountId, apiKey } = await createTestAccount(server, "Race", "100");

    const attempts = await Promise.all(
      Array.from({ length: 50 }, () =>
        server.gql(`mutation { jobCreate(input: { credits: "10" }) { job { id } userErrors { code } } }`, undefined, { "x-api-key": apiKey }),
      ),
    );
    const outcomes = attempts.map((a) => a.body.data.jobCreate);
    expect(outcomes.filter((o) => o.job !== null)).toHaveLength(10);
    expect(outcomes.filter((o) => o.userErrors[0]?.code === "INSUFFICIENT_CREDITS")).toHaveLength(40);
    expect(new Set(outcomes.filter((o) => o.job).map((o) => o.job.id)).size).toBe(10);

    const { body } = await server.gql(`{ viewer { balance reserved available } }`, undefined, { "x-api-key": apiKey });
    expect(body.data.viewer).toEqual({ balance: "100", reserved: "100", available: "0" });
    expect(await auditAccount(server.store.reads, accountId)).toEqual([]);
  });
});
