/** testClockAdvance: moves the server's clock (TEST_CLOCK=true only; admin key). */
import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import { GraphQLError } from "graphql";
import { badInput } from "../errors.js";
import { requireAdmin, type Context } from "./context.js";
import { ErrorCode } from "./errors.js";
import { mutate } from "./mutation.js";
import { DateTimeScalar } from "./scalars.js";
import { UserError } from "./user-error.js";

@InputType({ description: "How far to move the clock forward: days and seconds add up (more than 0 in all, at most 366 days)." })
export class TestClockAdvanceInput {
  @Field(() => Int, { nullable: true, description: "Days (of 24 hours)." })
  days?: number | null;

  @Field(() => Int, { nullable: true, description: "Seconds." })
  seconds?: number | null;
}

@ObjectType({ simpleResolvers: true, description: "Result of testClockAdvance." })
export class TestClockAdvancePayload {
  @Field(() => DateTimeScalar, { nullable: true, description: "The server's time now." })
  now!: Date | null;

  @Field(() => Int, { nullable: true, description: "Credit grants that expired." })
  expiredGrants!: number | null;

  @Field(() => Int, { nullable: true, description: "Subscription periods that began (and were charged)." })
  renewedPeriods!: number | null;

  @Field(() => Int, { nullable: true, description: "Job reservations that timed out." })
  expiredJobs!: number | null;

  @Field(() => [UserError], { description: "Why nothing was done; empty on success." })
  userErrors!: UserError[];
}

@Resolver()
export class TestClockResolver {
  @Mutation(() => TestClockAdvancePayload, {
    description:
      "Moves the server's clock forward (only with TEST_CLOCK=true, never in production; admin key), then runs what the elapsed time implies (credit expiries, subscription renewals, reservation timeouts) before answering. FORBIDDEN without TEST_CLOCK.",
  })
  testClockAdvance(@Arg("input", () => TestClockAdvanceInput) input: TestClockAdvanceInput, @Ctx() context: Context) {
    requireAdmin(context);
    const travel = context.services.testClock;
    if (!travel) throw new GraphQLError("The test clock is off: start the server with TEST_CLOCK=true (never in production)", { extensions: { code: ErrorCode.FORBIDDEN } });
    return mutate({ now: null, expiredGrants: null, renewedPeriods: null, expiredJobs: null }, async () => {
      const days = input.days ?? 0;
      const seconds = input.seconds ?? 0;
      if (days < 0) throw badInput("days must be 0 or more", ["days"]);
      if (seconds < 0) throw badInput("seconds must be 0 or more", ["seconds"]);
      const ms = (days * 86_400 + seconds) * 1000;
      if (ms <= 0 || ms > 366 * 86_400_000) throw badInput("Move the clock by more than 0 and at most 366 days", days > 0 ? ["days"] : ["seconds"]);
      return travel.advance(ms);
    });
  }
}
