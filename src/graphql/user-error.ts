import { Field, ObjectType } from "type-graphql";

@ObjectType({ simpleResolvers: true, description: "Why a mutation did not do what was asked; nothing was changed." })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path of the input at fault, e.g. ["input", "credits"]; null when no single input is.' })
  field!: string[] | null;

  @Field(() => String, {
    description:
      "Stable code to branch on: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, BAD_USER_INPUT, INSUFFICIENT_CREDITS, IDEMPOTENCY_KEY_REUSED, JOB_ALREADY_RESOLVED.",
  })
  code!: string;

  @Field(() => String, { description: "What went wrong, for people." })
  message!: string;
}
