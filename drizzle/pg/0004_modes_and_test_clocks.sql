CREATE TABLE "test_clocks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"frozen_time" text NOT NULL,
	"advancing_until" text,
	"deleted_at" text,
	"created_at" text DEFAULT to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "mode" text DEFAULT 'LIVE' NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "test_clock_id" text;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "page_secret" text;--> statement-breakpoint
ALTER TABLE "payment_method_setups" ADD COLUMN "page_secret" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_test_clock_id_test_clocks_id_fk" FOREIGN KEY ("test_clock_id") REFERENCES "public"."test_clocks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_test_clock_idx" ON "accounts" USING btree ("test_clock_id");--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_mode" CHECK ("accounts"."mode" in ('LIVE', 'TEST'));--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_clock_is_test" CHECK ("accounts"."test_clock_id" is null or "accounts"."mode" = 'TEST');--> statement-breakpoint
-- Hand-written: accounts from before modes stay LIVE (nothing enters them but through a real payment
-- from now on); the demo account's credits were free, so it becomes a TEST account (found by its
-- metadata key, or, made before that key existed, by its welcome credits).
UPDATE "accounts" SET "mode" = 'TEST' WHERE "id" IN (SELECT "value" FROM "metadata" WHERE "key" = 'demo_account_id')
  OR "id" IN (SELECT "account_id" FROM "ledger_entries" WHERE "type" = 'BONUS' AND "description" = 'Welcome credits for the demo account');--> statement-breakpoint
-- An account's mode and clock never change, whatever code runs.
CREATE FUNCTION "refuse_account_mode_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an account''s mode and test clock never change';
END;
$$;--> statement-breakpoint
CREATE TRIGGER "accounts_mode_fixed" BEFORE UPDATE OF "mode", "test_clock_id" ON "accounts" FOR EACH ROW
WHEN (NEW."mode" IS DISTINCT FROM OLD."mode" OR NEW."test_clock_id" IS DISTINCT FROM OLD."test_clock_id")
EXECUTE FUNCTION "refuse_account_mode_change"();
