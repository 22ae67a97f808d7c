CREATE TABLE `test_clocks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`frozen_time` text NOT NULL,
	`advancing_until` text,
	`deleted_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
-- Hand-written in place of drizzle-kit's rebuild of accounts (which every account table references):
-- added columns may carry CHECK constraints in SQLite, the same ones the snapshot records.
ALTER TABLE `accounts` ADD `mode` text DEFAULT 'LIVE' NOT NULL CONSTRAINT "accounts_mode" CHECK("mode" in ('LIVE', 'TEST'));--> statement-breakpoint
ALTER TABLE `accounts` ADD `test_clock_id` text REFERENCES `test_clocks`(`id`) CONSTRAINT "accounts_clock_is_test" CHECK("test_clock_id" is null or "mode" = 'TEST');--> statement-breakpoint
CREATE INDEX `accounts_test_clock_idx` ON `accounts` (`test_clock_id`);--> statement-breakpoint
-- Accounts from before modes stay LIVE: nothing enters them but through a real payment from now on.
-- The demo account's credits were free: it becomes a TEST account (found by its metadata key, or,
-- made before that key existed, by its welcome credits).
UPDATE `accounts` SET `mode` = 'TEST' WHERE `id` IN (SELECT `value` FROM `metadata` WHERE `key` = 'demo_account_id')
  OR `id` IN (SELECT `account_id` FROM `ledger_entries` WHERE `type` = 'BONUS' AND `description` = 'Welcome credits for the demo account');--> statement-breakpoint
-- (Its WHEN is written as PostgreSQL prints its own, so that the schema mirror test compares the two.)
CREATE TRIGGER `accounts_mode_fixed` BEFORE UPDATE OF `mode`, `test_clock_id` ON `accounts` FOR EACH ROW
WHEN ((new.mode IS DISTINCT FROM old.mode) OR (new.test_clock_id IS DISTINCT FROM old.test_clock_id))
BEGIN SELECT RAISE(ABORT, 'an account''s mode and test clock never change'); END;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `page_secret` text;--> statement-breakpoint
ALTER TABLE `payment_method_setups` ADD `page_secret` text;
