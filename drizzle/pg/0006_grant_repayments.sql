CREATE TABLE "grant_repayments" (
	"debtor_id" text NOT NULL,
	"payer_id" text NOT NULL,
	"micros" bigint NOT NULL,
	CONSTRAINT "grant_repayments_debtor_id_payer_id_pk" PRIMARY KEY("debtor_id","payer_id"),
	CONSTRAINT "grant_repayments_non_negative" CHECK ("grant_repayments"."micros" >= 0)
);
--> statement-breakpoint
ALTER TABLE "grant_repayments" ADD CONSTRAINT "grant_repayments_debtor_id_credit_grants_id_fk" FOREIGN KEY ("debtor_id") REFERENCES "public"."credit_grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_repayments" ADD CONSTRAINT "grant_repayments_payer_id_credit_grants_id_fk" FOREIGN KEY ("payer_id") REFERENCES "public"."credit_grants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- What grants repaid of others' debts before this table: each payer's REPAY entry names the debtor only in its description.
INSERT INTO "grant_repayments" ("debtor_id", "payer_id", "micros")
SELECT d."id", eg."grant_id", sum(eg."micros") FROM "ledger_entries" e
  JOIN "entry_grants" eg ON eg."entry_id" = e."id"
  JOIN "credit_grants" d ON d."account_id" = e."account_id" AND d."provider_id" = e."provider_id" AND d."clawed_micros" > 0
    AND starts_with(e."description", 'Credits owed by grant ' || d."id" || ' (clawed back) repaid from grant ')
  WHERE e."type" = 'REPAY'
  GROUP BY d."id", eg."grant_id";
