CREATE TABLE `credit_packs` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`price_micros` integer NOT NULL,
	`currency` text NOT NULL,
	`credits_micros` integer NOT NULL,
	`source` text NOT NULL,
	`source_document` text NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `credit_packs_provider_idx` ON `credit_packs` (`provider_id`,`position`);--> statement-breakpoint
CREATE TABLE `metadata` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `model_variants` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`resolution` text,
	`duration_seconds` integer,
	`billing_unit` text NOT NULL,
	`credits_micros` integer NOT NULL,
	`upstream_cost_micros` integer,
	`source` text NOT NULL,
	`source_document` text NOT NULL,
	`note` text,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `model_variants_model_idx` ON `model_variants` (`model_id`,`position`);--> statement-breakpoint
CREATE TABLE `models` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`multiplier_micros` integer NOT NULL,
	`multiplier_source` text,
	`source_document` text NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `models_provider_idx` ON `models` (`provider_id`,`position`);--> statement-breakpoint
CREATE TABLE `price_rules` (
	`product_id` text NOT NULL,
	`code` text NOT NULL,
	`position` integer NOT NULL,
	`description` text NOT NULL,
	`unit` text NOT NULL,
	`condition` text,
	`quantity` text NOT NULL,
	`per_second_quantity` text,
	`block_size_micros` integer,
	`block_rounding` text,
	`rate_kind` text NOT NULL,
	`rate_micros` integer,
	`rate_parameter` text,
	`rate_table_micros` text,
	`variant_model_id` text,
	`variant_match` text,
	`percent_of` text,
	`minimum_credits_micros` integer,
	`source` text NOT NULL,
	`source_document` text NOT NULL,
	`note` text,
	PRIMARY KEY(`product_id`, `code`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `product_models` (
	`product_id` text NOT NULL,
	`model_id` text NOT NULL,
	`position` integer NOT NULL,
	`is_default` integer NOT NULL,
	PRIMARY KEY(`product_id`, `model_id`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `product_parameters` (
	`product_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`type` text NOT NULL,
	`unit` text,
	`description` text NOT NULL,
	`required` integer NOT NULL,
	`default_value` text,
	`allowed_values` text,
	`minimum` text,
	`maximum` text,
	`max_items` integer,
	`normalize` text,
	PRIMARY KEY(`product_id`, `name`),
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`operation` text NOT NULL,
	`category` text NOT NULL,
	`source` text NOT NULL,
	`minimum_credits_micros` integer,
	`minimum_credits_source` text,
	`rounding` text NOT NULL,
	`rounding_source` text,
	`source_document` text NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `products_provider_idx` ON `products` (`provider_id`,`position`);--> statement-breakpoint
CREATE TABLE `providers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`position` integer NOT NULL,
	`credit_value_micros` integer,
	`credit_value_currency` text,
	`credit_value_source` text,
	`source_document` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `subscription_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`provider_id` text NOT NULL,
	`position` integer NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`monthly_credits_micros` integer,
	`price_micros` integer,
	`currency` text,
	`interval` text,
	`contact_sales` integer NOT NULL,
	`source` text NOT NULL,
	`source_document` text NOT NULL,
	FOREIGN KEY (`provider_id`) REFERENCES `providers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscription_plans_provider_idx` ON `subscription_plans` (`provider_id`,`position`);