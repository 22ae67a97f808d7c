ALTER TABLE `models` ADD `source` text DEFAULT 'DOCUMENTED' NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `note` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `min_items` integer;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `bounds_source` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `bounds_note` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `assumed_values` text;