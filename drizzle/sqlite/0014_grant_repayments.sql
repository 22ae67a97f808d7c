CREATE TABLE `grant_repayments` (
	`debtor_id` text NOT NULL,
	`payer_id` text NOT NULL,
	`micros` integer NOT NULL,
	PRIMARY KEY(`debtor_id`, `payer_id`),
	FOREIGN KEY (`debtor_id`) REFERENCES `credit_grants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payer_id`) REFERENCES `credit_grants`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "grant_repayments_non_negative" CHECK("grant_repayments"."micros" >= 0)
);--> statement-breakpoint
-- What grants repaid of others' debts before this table: each payer's REPAY entry names the debtor only in its description.
INSERT INTO `grant_repayments` (`debtor_id`, `payer_id`, `micros`)
SELECT d.`id`, eg.`grant_id`, sum(eg.`micros`) FROM `ledger_entries` e
  JOIN `entry_grants` eg ON eg.`entry_id` = e.`id`
  JOIN `credit_grants` d ON d.`account_id` = e.`account_id` AND d.`provider_id` = e.`provider_id` AND d.`clawed_micros` > 0
    AND substr(e.`description`, 1, length('Credits owed by grant ' || d.`id` || ' (clawed back) repaid from grant '))
      = 'Credits owed by grant ' || d.`id` || ' (clawed back) repaid from grant '
  WHERE e.`type` = 'REPAY'
  GROUP BY d.`id`, eg.`grant_id`;
