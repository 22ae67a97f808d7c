CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`balance_micros` integer DEFAULT 0 NOT NULL,
	`reserved_micros` integer DEFAULT 0 NOT NULL,
	`last_sequence` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "accounts_reserved_non_negative" CHECK("accounts"."reserved_micros" >= 0),
	CONSTRAINT "accounts_available_non_negative" CHECK("accounts"."balance_micros" - "accounts"."reserved_micros" >= 0)
);
--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`key_hash` text NOT NULL,
	`display_prefix` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_keys_account_idx` ON `api_keys` (`account_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`account_id` text NOT NULL,
	`key` text NOT NULL,
	`operation` text NOT NULL,
	`request_hash` text NOT NULL,
	`result` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`account_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
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
	CONSTRAINT "jobs_consumed_within_reserved" CHECK("jobs"."consumed_micros" >= 0 and "jobs"."consumed_micros" <= "jobs"."reserved_micros")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_id_unique` ON `jobs` (`id`);--> statement-breakpoint
CREATE INDEX `jobs_account_idx` ON `jobs` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `jobs_open_expiry_idx` ON `jobs` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `ledger_entries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
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
	CONSTRAINT "ledger_chain" CHECK("ledger_entries"."available_after_micros" = "ledger_entries"."available_before_micros" + "ledger_entries"."amount_micros"),
	CONSTRAINT "ledger_no_overdraft" CHECK("ledger_entries"."available_after_micros" >= 0),
	CONSTRAINT "ledger_amount_not_zero" CHECK("ledger_entries"."amount_micros" <> 0),
	CONSTRAINT "ledger_sign" CHECK(("ledger_entries"."type" in ('RESERVE', 'CONSUME')) = ("ledger_entries"."amount_micros" < 0))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_id_unique` ON `ledger_entries` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_account_sequence_idx` ON `ledger_entries` (`account_id`,`sequence`);--> statement-breakpoint
CREATE INDEX `ledger_account_type_idx` ON `ledger_entries` (`account_id`,`type`,`sequence`);--> statement-breakpoint
CREATE INDEX `ledger_job_idx` ON `ledger_entries` (`job_id`);--> statement-breakpoint
CREATE INDEX `ledger_refund_of_idx` ON `ledger_entries` (`refund_of_id`);