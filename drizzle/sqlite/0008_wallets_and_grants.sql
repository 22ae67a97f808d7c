CREATE TABLE `credit_grants` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`kind` text NOT NULL,
	`source` text NOT NULL,
	`source_id` text,
	`amount_micros` integer NOT NULL,
	`remaining_micros` integer NOT NULL,
	`held_micros` integer DEFAULT 0 NOT NULL,
	`clawed_micros` integer DEFAULT 0 NOT NULL,
	`used_micros` integer DEFAULT 0 NOT NULL,
	`owed_micros` integer DEFAULT 0 NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`effective_at` text NOT NULL,
	`expires_at` text,
	`cost_micros` integer,
	`cost_currency` text,
	`closed_reason` text,
	`closed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_grants_amount_positive" CHECK("credit_grants"."amount_micros" > 0),
	CONSTRAINT "credit_grants_remaining_range" CHECK("credit_grants"."remaining_micros" >= 0 and "credit_grants"."remaining_micros" <= "credit_grants"."amount_micros"),
	CONSTRAINT "credit_grants_held_range" CHECK("credit_grants"."held_micros" >= 0 and "credit_grants"."held_micros" <= "credit_grants"."remaining_micros"),
	CONSTRAINT "credit_grants_clawed_range" CHECK("credit_grants"."clawed_micros" >= 0 and "credit_grants"."clawed_micros" <= "credit_grants"."amount_micros"),
	CONSTRAINT "credit_grants_used_owed_non_negative" CHECK("credit_grants"."used_micros" >= 0 and "credit_grants"."owed_micros" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_grants_id_unique` ON `credit_grants` (`id`);--> statement-breakpoint
CREATE INDEX `credit_grants_wallet_idx` ON `credit_grants` (`account_id`,`provider_id`,`seq`);--> statement-breakpoint
CREATE INDEX `credit_grants_expiry_idx` ON `credit_grants` (`expires_at`) WHERE "credit_grants"."closed_reason" is null and "credit_grants"."expires_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `credit_grants_source_idx` ON `credit_grants` (`source`,`source_id`) WHERE "credit_grants"."source_id" is not null;--> statement-breakpoint
CREATE TABLE `entry_grants` (
	`entry_id` text NOT NULL,
	`grant_id` text NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`entry_id`, `grant_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `ledger_entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`grant_id`) REFERENCES `credit_grants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "entry_grants_positive" CHECK("entry_grants"."micros" > 0)
);
--> statement-breakpoint
CREATE INDEX `entry_grants_grant_idx` ON `entry_grants` (`grant_id`);--> statement-breakpoint
CREATE TABLE `job_holds` (
	`job_id` text NOT NULL,
	`grant_id` text NOT NULL,
	`position` integer NOT NULL,
	`held_micros` integer NOT NULL,
	PRIMARY KEY(`job_id`, `grant_id`),
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`grant_id`) REFERENCES `credit_grants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "job_holds_positive" CHECK("job_holds"."held_micros" > 0)
);
--> statement-breakpoint
CREATE TABLE `wallets` (
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`balance_micros` integer DEFAULT 0 NOT NULL,
	`reserved_micros` integer DEFAULT 0 NOT NULL,
	`owed_micros` integer DEFAULT 0 NOT NULL,
	`last_sequence` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`account_id`, `provider_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "wallets_reserved_non_negative" CHECK("wallets"."reserved_micros" >= 0),
	CONSTRAINT "wallets_available_non_negative" CHECK("wallets"."balance_micros" - "wallets"."reserved_micros" >= 0),
	CONSTRAINT "wallets_owed_non_negative" CHECK("wallets"."owed_micros" >= 0)
);
--> statement-breakpoint
-- The migrator runs with foreign keys off (they cannot be switched inside its transaction) and checks them before committing.
CREATE TABLE `__new_jobs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`status` text NOT NULL,
	`reserved_micros` integer NOT NULL,
	`consumed_micros` integer DEFAULT 0 NOT NULL,
	`product_id` text,
	`estimate` text,
	`failure_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "jobs_consumed_non_negative" CHECK("__new_jobs"."consumed_micros" >= 0)
);
--> statement-breakpoint
INSERT INTO `__new_jobs`("seq", "id", "account_id", "provider_id", "status", "reserved_micros", "consumed_micros", "product_id", "estimate", "failure_reason", "created_at", "expires_at", "resolved_at") SELECT "seq", "id", "account_id", 'ugen', "status", "reserved_micros", "consumed_micros", "product_id", "estimate", "failure_reason", "created_at", "expires_at", "resolved_at" FROM `jobs`;--> statement-breakpoint
DROP TABLE `jobs`;--> statement-breakpoint
ALTER TABLE `__new_jobs` RENAME TO `jobs`;--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_id_unique` ON `jobs` (`id`);--> statement-breakpoint
CREATE INDEX `jobs_account_idx` ON `jobs` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `jobs_open_expiry_idx` ON `jobs` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `__new_ledger_entries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`sequence` integer NOT NULL,
	`type` text NOT NULL,
	`amount_micros` integer NOT NULL,
	`available_before_micros` integer NOT NULL,
	`available_after_micros` integer NOT NULL,
	`job_id` text,
	`refund_of_id` text,
	`idempotency_key` text,
	`description` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "ledger_chain" CHECK("__new_ledger_entries"."available_after_micros" = "__new_ledger_entries"."available_before_micros" + "__new_ledger_entries"."amount_micros"),
	CONSTRAINT "ledger_no_overdraft" CHECK("__new_ledger_entries"."available_after_micros" >= 0),
	CONSTRAINT "ledger_amount_not_zero" CHECK("__new_ledger_entries"."amount_micros" <> 0),
	CONSTRAINT "ledger_sign" CHECK("__new_ledger_entries"."type" = 'MIGRATION' or ("__new_ledger_entries"."type" in ('RESERVE', 'CONSUME', 'EXPIRE', 'CLAWBACK', 'REPAY')) = ("__new_ledger_entries"."amount_micros" < 0))
);
--> statement-breakpoint
INSERT INTO `__new_ledger_entries`("seq", "id", "account_id", "provider_id", "sequence", "type", "amount_micros", "available_before_micros", "available_after_micros", "job_id", "refund_of_id", "idempotency_key", "description", "created_at") SELECT "seq", "id", "account_id", 'ugen', "sequence", "type", "amount_micros", "available_before_micros", "available_after_micros", "job_id", "refund_of_id", "idempotency_key", "description", "created_at" FROM `ledger_entries`;--> statement-breakpoint
DROP TABLE `ledger_entries`;--> statement-breakpoint
ALTER TABLE `__new_ledger_entries` RENAME TO `ledger_entries`;--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_id_unique` ON `ledger_entries` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_wallet_sequence_idx` ON `ledger_entries` (`account_id`,`provider_id`,`sequence`);--> statement-breakpoint
CREATE INDEX `ledger_account_seq_idx` ON `ledger_entries` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `ledger_job_idx` ON `ledger_entries` (`job_id`);--> statement-breakpoint
CREATE INDEX `ledger_refund_of_idx` ON `ledger_entries` (`refund_of_id`);--> statement-breakpoint
-- The rebuilt ledger stays append-only, and so does the record of which grants each entry touched.
CREATE TRIGGER `ledger_entries_no_update` BEFORE UPDATE ON `ledger_entries`
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `ledger_entries_no_delete` BEFORE DELETE ON `ledger_entries`
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `entry_grants_no_update` BEFORE UPDATE ON `entry_grants`
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `entry_grants_no_delete` BEFORE DELETE ON `entry_grants`
BEGIN
	SELECT RAISE(ABORT, 'ledger entries are append-only');
END;
--> statement-breakpoint
CREATE TABLE `__new_credit_alerts` (
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`enabled` integer NOT NULL,
	`threshold_micros` integer NOT NULL,
	`email` text NOT NULL,
	`armed` integer NOT NULL,
	`last_alert_at` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`account_id`, `provider_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_credit_alerts`("account_id", "provider_id", "enabled", "threshold_micros", "email", "armed", "last_alert_at", "updated_at") SELECT "account_id", 'ugen', "enabled", "threshold_micros", "email", "armed", "last_alert_at", "updated_at" FROM `credit_alerts`;--> statement-breakpoint
DROP TABLE `credit_alerts`;--> statement-breakpoint
ALTER TABLE `__new_credit_alerts` RENAME TO `credit_alerts`;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `payment_reference` text;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `refunded_micros` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `disputed_at` text;--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_payment_idx` ON `checkout_sessions` (`provider`,`payment_reference`);--> statement-breakpoint
-- Credits from before wallets: each account's one pool becomes its legacy wallet (U-Gen's, named in
-- the README) holding one grant of everything it had, with the open jobs' holds on it. At the first
-- start, src/accounts/wallet-backfill.ts moves the credits of known origin to their providers' wallets.
INSERT INTO `wallets` (`account_id`, `provider_id`, `balance_micros`, `reserved_micros`, `owed_micros`, `last_sequence`)
	SELECT `id`, 'ugen', `balance_micros`, `reserved_micros`, 0, `last_sequence` FROM `accounts` WHERE `last_sequence` > 0;
--> statement-breakpoint
INSERT INTO `credit_grants` (`id`, `account_id`, `provider_id`, `kind`, `source`, `source_id`, `amount_micros`, `remaining_micros`, `held_micros`, `priority`, `effective_at`)
	SELECT 'grant_legacy_' || `id`, `id`, 'ugen', 'PAID', 'MIGRATION', 'legacy:' || `id`, `balance_micros`, `balance_micros`, `reserved_micros`, 0, `created_at`
	FROM `accounts` WHERE `balance_micros` > 0;
--> statement-breakpoint
INSERT INTO `job_holds` (`job_id`, `grant_id`, `position`, `held_micros`)
	SELECT `id`, 'grant_legacy_' || `account_id`, 0, `reserved_micros` FROM `jobs` WHERE `status` = 'RESERVED' AND `reserved_micros` > 0;
--> statement-breakpoint
UPDATE `accounts` SET `balance_micros` = 0, `reserved_micros` = 0;