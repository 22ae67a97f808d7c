ALTER TABLE `credit_packs` ADD `credits_expire_after_days` integer;--> statement-breakpoint
ALTER TABLE `subscription_plans` ADD `credits_expire_at_period_end` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `subscription_plans` ADD `credits_expiry_source` text;--> statement-breakpoint
ALTER TABLE `subscription_plans` ADD `credits_expiry_note` text;