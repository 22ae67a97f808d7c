ALTER TABLE `products` ADD `charged_on_acceptance` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `charge_timing_source` text;--> statement-breakpoint
ALTER TABLE `products` ADD `charge_timing_note` text;