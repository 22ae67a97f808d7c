CREATE TABLE `payment_customers` (
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`customer_id` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`account_id`, `provider`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_customers_id_idx` ON `payment_customers` (`provider`,`customer_id`);--> statement-breakpoint
CREATE TABLE `payment_method_setups` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`provider_session_id` text,
	`url` text,
	`status` text NOT NULL,
	`payment_method_id` text,
	`success_url` text,
	`cancel_url` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	`completed_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payment_method_setups_account_idx` ON `payment_method_setups` (`account_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payment_method_setups_provider_idx` ON `payment_method_setups` (`provider`,`provider_session_id`);--> statement-breakpoint
CREATE TABLE `unapplied_payments` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`checkout_session_id` text NOT NULL,
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`amount_micros` integer NOT NULL,
	`currency` text NOT NULL,
	`credits_micros` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`resolution` text,
	`resolved_at` text,
	`note` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unapplied_payments_id_unique` ON `unapplied_payments` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `unapplied_payments_checkout_session_id_unique` ON `unapplied_payments` (`checkout_session_id`);--> statement-breakpoint
CREATE INDEX `unapplied_payments_open_idx` ON `unapplied_payments` (`resolved_at`,`seq`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_idempotency_keys` (
	`scope` text NOT NULL,
	`operation` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`result` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`scope`, `operation`, `key`)
);
--> statement-breakpoint
-- Keys were stored per account: jobCreate's under the caller's account, the admin's creditsGrant and
-- transactionRefund under the account they touched. Now the admin's keys are the admin's own.
INSERT INTO `__new_idempotency_keys`("scope", "operation", "key", "request_hash", "result", "created_at")
  SELECT CASE WHEN "operation" = 'jobCreate' THEN 'account:' || "account_id" ELSE 'admin' END, "operation", "key", "request_hash", "result", "created_at"
  FROM `idempotency_keys` WHERE true ON CONFLICT DO NOTHING;--> statement-breakpoint
DROP TABLE `idempotency_keys`;--> statement-breakpoint
ALTER TABLE `__new_idempotency_keys` RENAME TO `idempotency_keys`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `success_url` text;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `cancel_url` text;--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_open_period_idx` ON `checkout_sessions` (`subscription_id`,`period_start`) WHERE "checkout_sessions"."status" = 'OPEN' and "checkout_sessions"."subscription_id" is not null;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `failed_payment_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `next_payment_attempt_at` text;--> statement-breakpoint
CREATE INDEX `subscriptions_retry_idx` ON `subscriptions` (`status`,`next_payment_attempt_at`);--> statement-breakpoint
-- The bug this index prevents may have left two live subscriptions to one plan: the newer ones end
-- now (their granted credits stay), so that the account is charged once per period from here on.
UPDATE `subscriptions` SET `status` = 'ENDED', `ended_at` = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), `cancel_at_period_end` = 1
  WHERE `status` IN ('PENDING', 'ACTIVE', 'PAST_DUE') AND EXISTS (
    SELECT 1 FROM `subscriptions` AS `older` WHERE `older`.`account_id` = `subscriptions`.`account_id`
      AND `older`.`plan_id` = `subscriptions`.`plan_id` AND `older`.`status` IN ('PENDING', 'ACTIVE', 'PAST_DUE')
      AND (`older`.`created_at` < `subscriptions`.`created_at` OR (`older`.`created_at` = `subscriptions`.`created_at` AND `older`.`id` < `subscriptions`.`id`)));--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_live_plan_idx` ON `subscriptions` (`account_id`,`plan_id`) WHERE "subscriptions"."status" in ('PENDING', 'ACTIVE', 'PAST_DUE');