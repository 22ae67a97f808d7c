/**
 * Test clocks in GraphQL (Stripe's test clocks): the admin makes and deletes them; the admin, or a
 * TEST account's key on the clock, moves one forward. Accounts say their mode and clock.
 */
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root, registerEnumType } from "type-graphql";
import { GraphQLError } from "graphql";
import type { AccountRecord } from "../../accounts/records.js";
import { MAX_ADVANCE_MS, type TestClockRecord } from "../../accounts/test-clocks.js";
import { Account } from "./types.js";
import { badInput } from "../../errors.js";
import { requireAdmin, type Context } from "../shared/context.js";
import { ErrorCode } from "../shared/errors.js";
import { mutate } from "../shared/mutation.js";
import { Node } from "../shared/node.js";
import { DateTimeScalar } from "../shared/scalars.js";
import { UserError } from "../shared/user-error.js";

export const TestClockStatusEnum = { READY: "READY", ADVANCING: "ADVANCING", DELETED: "DELETED" } as const;
registerEnumType(TestClockStatusEnum, {
  name: "TestClockStatus",
  description: "Where a test clock stands.",
  valuesConfig: {
    READY: { description: "At rest: it may be advanced." },
    ADVANCING: { description: "An advance is running what falls due for its accounts." },
    DELETED: { description: "Deleted: it never moves again, and its accounts' keys are revoked." },
  },
});

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    "A clock of its own for TEST accounts made on it (accountCreate with testClockId): their grant expiry, job expiry, checkout expiry, subscription renewals, dunning retries and auto top-up retries follow its frozenTime, on every node. It moves only forward, with testClockAdvance.",
})
export class TestClock implements Node {
  @Field(() => ID, { description: 'Test clock id, e.g. "clock_…".' })
  id!: string;

  @Field(() => String, { description: "Its name." })
  name!: string;

  @Field(() => DateTimeScalar, { description: "The clock's time: its accounts' now." })
  frozenTime!: Date;

  @Field(() => TestClockStatusEnum, { description: "READY, ADVANCING or DELETED." })
  status!: keyof typeof TestClockStatusEnum;

  @Field(() => DateTimeScalar, { description: "When it was made (server time)." })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was deleted (server time)." })
  deletedAt!: Date | null;
}

@InputType({ description: "A new test clock." })
export class TestClockCreateInput {
  @Field(() => String, { description: "Its name (up to 500 characters)." })
  name!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "Its starting time, from 2000-01-01 to before 2100 (default: the server's time now)." })
  frozenTime?: Date | null;
}

@InputType({ description: "Move a test clock forward: to frozenTime, or by days and seconds (which add up); by more than 0 and at most 366 days." })
export class TestClockAdvanceInput {
  @Field(() => ID, { description: "The clock." })
  testClockId!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "The time to move it to (later than its frozenTime)." })
  frozenTime?: Date | null;

  @Field(() => Int, { nullable: true, description: "Days (of 24 hours) to move it by." })
  days?: number | null;

  @Field(() => Int, { nullable: true, description: "Seconds to move it by." })
  seconds?: number | null;
}

@InputType({ description: "Delete a test clock: it never moves again, and the API keys of its accounts are revoked." })
export class TestClockDeleteInput {
  @Field(() => ID, { description: "The clock." })
  testClockId!: string;
}

@ObjectType({ simpleResolvers: true, description: "Result of testClockCreate and testClockDelete." })
export class TestClockPayload {
  @Field(() => TestClock, { nullable: true, description: "The clock after the change; null when userErrors is not empty." })
  testClock!: TestClockRecord | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@ObjectType({ simpleResolvers: true, description: "Result of testClockAdvance: the clock, and what fell due for its accounts on the way." })
export class TestClockAdvancePayload extends TestClockPayload {
  @Field(() => Int, { nullable: true, description: "Credit grants that expired." })
  expiredGrants!: number | null;

  @Field(() => Int, { nullable: true, description: "Subscription periods that began (and were charged)." })
  renewedPeriods!: number | null;

  @Field(() => Int, { nullable: true, description: "Job reservations that timed out." })
  expiredJobs!: number | null;
}

/** The admin, or an account on that very clock (a TEST account's key may move its own clock). */
async function requireClockHolder(context: Context, testClockId: string): Promise<void> {
  if (context.auth.kind === "account") {
    const account = await context.services.store.reads.accounts.get(context.auth.accountId);
    if (account?.testClockId === testClockId) return;
    throw new GraphQLError("Only the admin key, or the key of a TEST account on this clock, may advance it", { extensions: { code: ErrorCode.FORBIDDEN } });
  }
  requireAdmin(context);
}

@Resolver()
export class TestClockResolver {
  @Query(() => [TestClock], { description: "The test clocks not deleted, oldest first (admin key only)." })
  testClocks(@Ctx() context: Context) {
    requireAdmin(context);
    return context.services.testClocks.list();
  }

  @Mutation(() => TestClockPayload, {
    description: "Makes a test clock (admin key only); then make TEST accounts on it with accountCreate(input: { mode: TEST, testClockId }).",
  })
  testClockCreate(@Arg("input", () => TestClockCreateInput) input: TestClockCreateInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ testClock: null }, async () => ({ testClock: await context.services.testClocks.create(input.name, input.frozenTime) }));
  }

  @Mutation(() => TestClockAdvancePayload, {
    description:
      "Moves a test clock forward (the admin key, or a TEST account's key on that clock), a day at a time, running what falls due for its accounts on the way (credit expiries, reservation timeouts, subscription renewals and their payments, retries) before answering. One advance at a time per clock.",
  })
  async testClockAdvance(@Arg("input", () => TestClockAdvanceInput) input: TestClockAdvanceInput, @Ctx() context: Context) {
    await requireClockHolder(context, input.testClockId);
    return mutate({ testClock: null, expiredGrants: null, renewedPeriods: null, expiredJobs: null }, async () => {
      const to = advanceTarget(input);
      const { clock, counts } = await context.services.testClocks.advance(input.testClockId, to);
      return { testClock: clock, ...counts };
    });
  }

  @Mutation(() => TestClockPayload, {
    description: "Deletes a test clock (admin key only): it never moves again, and its accounts' API keys are revoked (their ledgers stay).",
  })
  testClockDelete(@Arg("input", () => TestClockDeleteInput) input: TestClockDeleteInput, @Ctx() context: Context) {
    requireAdmin(context);
    return mutate({ testClock: null }, async () => ({ testClock: await context.services.testClocks.delete(input.testClockId) }));
  }
}

/** Where the input moves the clock to: an instant, or a distance from its time. */
function advanceTarget(input: TestClockAdvanceInput): (frozen: Date) => Date {
  const relative = input.days != null || input.seconds != null;
  if (input.frozenTime && relative) throw badInput("Give frozenTime, or days and seconds, not both", ["frozenTime"]);
  if (input.frozenTime) {
    const target = input.frozenTime;
    return () => target;
  }
  const days = input.days ?? 0;
  const seconds = input.seconds ?? 0;
  if (days < 0) throw badInput("days must be 0 or more", ["days"]);
  if (seconds < 0) throw badInput("seconds must be 0 or more", ["seconds"]);
  const ms = (days * 86_400 + seconds) * 1000;
  if (ms <= 0 || ms > MAX_ADVANCE_MS)
    throw badInput("Move the clock by more than 0 and at most 366 days (or give frozenTime)", days > 0 ? ["days"] : ["seconds"]);
  return (frozen) => new Date(frozen.getTime() + ms);
}

@Resolver(() => Account)
export class AccountClockResolver {
  @FieldResolver(() => TestClock, { nullable: true, description: "For a TEST account made on a test clock: the clock whose time it lives at." })
  testClock(@Root() root: AccountRecord, @Ctx() context: Context) {
    return root.testClockId ? context.services.testClocks.get(root.testClockId) : null;
  }
}

/** `node(id:)` for a test clock: the admin's, or an account's own clock. */
export async function resolveTestClockNode(context: Context, id: string): Promise<TestClockRecord | null | undefined> {
  if (!id.startsWith("clock_")) return undefined;
  if (context.auth.kind === "admin") return context.services.testClocks.get(id);
  if (context.auth.kind !== "account") return null;
  const account = await context.services.store.reads.accounts.get(context.auth.accountId);
  return account?.testClockId === id ? context.services.testClocks.get(id) : null;
}

export const testClockResolvers = [TestClockResolver, AccountClockResolver] as const;
