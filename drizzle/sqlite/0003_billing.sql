CREATE TABLE `auto_top_ups` (
	`account_id` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`threshold_micros` integer NOT NULL,
	`pack_id` text NOT NULL,
	`in_flight_session_id` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`last_error` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `checkout_sessions` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`pack_id` text NOT NULL,
	`price_micros` integer NOT NULL,
	`currency` text NOT NULL,
	`credits_micros` integer NOT NULL,
	`provider` text NOT NULL,
	`payment_type` text NOT NULL,
	`purpose` text NOT NULL,
	`status` text NOT NULL,
	`provider_session_id` text,
	`url` text,
	`transaction_id` text,
	`failure_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_id_unique` ON `checkout_sessions` (`id`);--> statement-breakpoint
CREATE INDEX `checkout_sessions_account_idx` ON `checkout_sessions` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `checkout_sessions_open_idx` ON `checkout_sessions` (`status`,`expires_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `checkout_sessions_provider_idx` ON `checkout_sessions` (`provider`,`provider_session_id`);--> statement-breakpoint
CREATE TABLE `credit_alerts` (
	`account_id` text PRIMARY KEY NOT NULL,
	`enabled` integer NOT NULL,
	`threshold_micros` integer NOT NULL,
	`email` text NOT NULL,
	`armed` integer NOT NULL,
	`last_alert_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`sent_at` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `email_outbox_pending_idx` ON `email_outbox` (`sent_at`,`seq`);--> statement-breakpoint
CREATE TABLE `payment_methods` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`provider_token` text NOT NULL,
	`label` text NOT NULL,
	`is_default` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`detached_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payment_methods_account_idx` ON `payment_methods` (`account_id`);--> statement-breakpoint
CREATE TABLE `subscription_grants` (
	`subscription_id` text NOT NULL,
	`period_start` text NOT NULL,
	`transaction_id` text NOT NULL,
	PRIMARY KEY(`subscription_id`, `period_start`),
	FOREIGN KEY (`subscription_id`) REFERENCES `subscriptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`plan_id` text NOT NULL,
	`monthly_credits_micros` integer NOT NULL,
	`status` text NOT NULL,
	`anchor_day` integer NOT NULL,
	`current_period_start` text NOT NULL,
	`current_period_end` text NOT NULL,
	`cancel_at_period_end` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_account_idx` ON `subscriptions` (`account_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_due_idx` ON `subscriptions` (`status`,`current_period_end`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`received_at` text NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
