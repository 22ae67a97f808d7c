import { Field, ObjectType, registerEnumType } from "type-graphql";
import { DomainErrorCode, ERROR_CODES } from "../../error-codes.js";

/** The codes a mutation's userErrors can carry: every code of the domain's one error type. */
export const UserErrorCode = DomainErrorCode;
export type UserErrorCode = DomainErrorCode;

registerEnumType(UserErrorCode, {
  name: "UserErrorCode",
  description: "Why a mutation refused: stable codes to branch on.",
  valuesConfig: Object.fromEntries(Object.keys(UserErrorCode).map((code) => [code, { description: ERROR_CODES[code as UserErrorCode].description }])),
});

@ObjectType({ simpleResolvers: true, description: "Why a mutation did not do what was asked; nothing was changed." })
export class UserError {
  @Field(() => [String], {
    nullable: true,
    description:
      'Path of the input at fault, from the argument: ["input", "credits"], ["input", "estimate", "parameters", "durationSeconds"]; null when no single input is.',
  })
  field!: string[] | null;

  @Field(() => UserErrorCode, { description: "Stable code to branch on." })
  code!: UserErrorCode;

  @Field(() => String, { description: "What went wrong, for people." })
  message!: string;
}
