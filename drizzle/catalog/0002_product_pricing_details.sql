ALTER TABLE `models` ADD `source` text DEFAULT 'DOCUMENTED' NOT NULL;--> statement-breakpoint
ALTER TABLE `models` ADD `note` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `min_items` integer;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `bounds_source` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `bounds_note` text;--> statement-breakpoint
ALTER TABLE `product_parameters` ADD `assumed_values` text;--> statement-breakpoint
ALTER TABLE `products` ADD `charged_on_acceptance` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `charge_timing_source` text;--> statement-breakpoint
ALTER TABLE `products` ADD `charge_timing_note` text;--> statement-breakpoint
ALTER TABLE `products` ADD `model_required` integer DEFAULT false NOT NULL;