-- The catalog moved to an embedded database of its own (drizzle/catalog), seeded at every start.
-- Children before parents: with foreign keys on, dropping a referenced table checks its children.
DROP TABLE `product_models`;--> statement-breakpoint
DROP TABLE `model_variants`;--> statement-breakpoint
DROP TABLE `price_rules`;--> statement-breakpoint
DROP TABLE `product_parameters`;--> statement-breakpoint
DROP TABLE `credit_packs`;--> statement-breakpoint
DROP TABLE `subscription_plans`;--> statement-breakpoint
DROP TABLE `products`;--> statement-breakpoint
DROP TABLE `models`;--> statement-breakpoint
DROP TABLE `providers`;--> statement-breakpoint
DELETE FROM `metadata` WHERE `key` = 'catalog_seed_fingerprint';
