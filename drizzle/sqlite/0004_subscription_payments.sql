ALTER TABLE `checkout_sessions` ADD `subscription_id` text;--> statement-breakpoint
ALTER TABLE `checkout_sessions` ADD `period_start` text;--> statement-breakpoint
ALTER TABLE `subscriptions` ADD `last_payment_error` text;