/**
 * Model-based property test of the ledger: random sequences of grants, jobs, completions,
 * failures, cancellations, refunds, expiries and retries with idempotency keys run against the
 * real Ledger (SQLite) and a small in-memory model. After every step the outcome must match the
 * model's, and every ledger invariant must hold.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditAccount } from "../src/accounts/audit.js";
import { DomainError } from "../src/errors.js";
import { fromMicros } from "../src/pricing/decimal.js";
import { createLedgerKit } from "./ledger-kit.js";

const TTL = 3_600_000;
const KEYS = ["k1", "k2", "k3"];

type Op =
  | { kind: "grant"; micros: number; key: string | null }
  | { kind: "create"; micros: number; key: string | null }
  | { kind: "complete"; job: number; consumed: number | null }
  | { kind: "fail" | "cancel"; job: number }
  | { kind: "refund"; consume: number; micros: number | null }
  | { kind: "advance"; ms: number };

const micros = fc.integer({ min: 1, max: 500 }).map((n) => n * 250_000); // 0.25 credit steps
const key = fc.option(fc.constantFrom(...KEYS), { nil: null, freq: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("grant" as const), micros, key }),
  fc.record({ kind: fc.constant("create" as const), micros, key }),
  fc.record({ kind: fc.constant("complete" as const), job: fc.nat(20), consumed: fc.option(fc.integer({ min: 0, max: 150_000_000 }), { nil: null }) }),
  fc.record({ kind: fc.constantFrom("fail" as const, "cancel" as const), job: fc.nat(20) }),
  fc.record({ kind: fc.constant("refund" as const), consume: fc.nat(20), micros: fc.option(micros, { nil: null }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 1, max: TTL }) }),
);

interface ModelJob {
  id: string;
  status: string;
  reserved: number;
  createdAt: number;
}

async function run(ops: Op[]) {
  const { store, clock, credits, jobs, account } = createLedgerKit({ jobTtlMs: TTL });
  const database = store;
  const accountId = await account("model");

  const model = {
    balance: 0,
    reserved: 0,
    jobs: [] as ModelJob[],
    consumes: [] as Array<{ id: string; amount: number; refunded: number }>,
    keys: new Map<string, { op: string; micros: number; result: unknown }>(),
  };

  const expectError = async (code: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(code);
      return;
    }
    throw new Error(`expected ${code}`);
  };

  /**
   * Applies the model's view of an idempotency key; returns "replay", "reused" or "new". Keys are
   * scoped per caller and operation: the admin's grants and the account's jobs never share one.
   */
  const keyState = (k: string | null, opName: string, amount: number) => {
    if (!k) return "new";
    const earlier = model.keys.get(`${opName}:${k}`);
    if (!earlier) return "new";
    return earlier.micros === amount ? "replay" : "reused";
  };

  for (const step of ops) {
    switch (step.kind) {
      case "grant": {
        const state = keyState(step.key, "grant", step.micros);
        if (state === "reused") await expectError("IDEMPOTENCY_KEY_REUSED", () => credits.grant(accountId, fromMicros(step.micros), "grant", step.key));
        else {
          const outcome = await credits.grant(accountId, fromMicros(step.micros), "grant", step.key);
          expect(outcome.replayed).toBe(state === "replay");
          if (state === "replay") expect(outcome.result).toEqual(model.keys.get(`grant:${step.key}`)!.result);
          else {
            model.balance += step.micros;
            if (step.key) model.keys.set(`grant:${step.key}`, { op: "grant", micros: step.micros, result: outcome.result });
          }
        }
        break;
      }
      case "create": {
        const state = keyState(step.key, "create", step.micros);
        const create = () =>
          jobs.create(accountId, { micros: step.micros, productId: null, estimate: null, describe: "a job" }, { key: step.key, input: { credits: step.micros } });
        if (state === "reused") await expectError("IDEMPOTENCY_KEY_REUSED", create);
        else if (state === "replay") {
          const outcome = await create();
          expect(outcome.replayed).toBe(true);
          expect(outcome.result).toEqual(model.keys.get(`create:${step.key}`)!.result);
        } else if (step.micros > model.balance - model.reserved) await expectError("INSUFFICIENT_CREDITS", create);
        else {
          const outcome = await create();
          model.reserved += step.micros;
          model.jobs.push({ id: outcome.result.jobId, status: "RESERVED", reserved: step.micros, createdAt: clock.now().getTime() });
          if (step.key) model.keys.set(`create:${step.key}`, { op: "create", micros: step.micros, result: outcome.result });
        }
        break;
      }
      case "complete":
      case "fail":
      case "cancel": {
        const job = model.jobs[step.job % Math.max(model.jobs.length, 1)];
        if (!job) break;
        const consumed = step.kind === "complete" ? (step.consumed ?? job.reserved) : 0;
        const act = () =>
          step.kind === "complete" ? jobs.complete(accountId, job.id, step.consumed === null ? null : fromMicros(step.consumed))
          : step.kind === "fail" ? jobs.fail(accountId, job.id, "failed")
          : jobs.cancel(accountId, job.id);
        if (job.status !== "RESERVED") await expectError("JOB_ALREADY_RESOLVED", act);
        else if (consumed > job.reserved) await expectError("BAD_USER_INPUT", act);
        else {
          await act();
          model.reserved -= job.reserved;
          model.balance -= consumed;
          job.status = { complete: "COMPLETED", fail: "FAILED", cancel: "CANCELLED" }[step.kind];
          if (consumed > 0) {
            const entry = database.sqlite
              .prepare("select id from ledger_entries where job_id = ? and type = 'CONSUME'")
              .get(job.id) as { id: string };
            model.consumes.push({ id: entry.id, amount: consumed, refunded: 0 });
          }
        }
        break;
      }
      case "refund": {
        const consume = model.consumes[step.consume % Math.max(model.consumes.length, 1)];
        if (!consume) break;
        const refundable = consume.amount - consume.refunded;
        const requested = step.micros ?? refundable;
        const act = () => credits.refund(consume.id, step.micros === null ? null : fromMicros(step.micros), "refund");
        if (requested <= 0 || requested > refundable) await expectError("BAD_USER_INPUT", act);
        else {
          await act();
          consume.refunded += requested;
          model.balance += requested;
        }
        break;
      }
      case "advance": {
        clock.advance(step.ms);
        await jobs.expireDue();
        for (const job of model.jobs) {
          if (job.status === "RESERVED" && job.createdAt + TTL <= clock.now().getTime()) {
            job.status = "EXPIRED";
            model.reserved -= job.reserved;
          }
        }
        break;
      }
    }

    expect(await auditAccount(store.reads, accountId), JSON.stringify(step)).toEqual([]);
    const row = database.sqlite.prepare("select balance_micros, reserved_micros from accounts where id = ?").get(accountId) as {
      balance_micros: number;
      reserved_micros: number;
    };
    expect([row.balance_micros, row.reserved_micros], JSON.stringify(step)).toEqual([model.balance, model.reserved]);
    for (const job of model.jobs) {
      const status = (database.sqlite.prepare("select status from jobs where id = ?").get(job.id) as { status: string }).status;
      expect(status).toBe(job.status);
    }
  }
  await store.close();
}

describe("ledger properties", () => {
  it("matches the model and keeps every invariant through random operation sequences", async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), run), { numRuns: 150 });
  });

  it("starts from a grant often enough to exercise jobs", async () => {
    // Sequences that begin with money exercise reservations, completions and refunds deeply.
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 5, maxLength: 60 }),
        (ops) => run([{ kind: "grant", micros: 100_000_000, key: null }, ...ops]),
      ),
      { numRuns: 100 },
    );
  });
});
