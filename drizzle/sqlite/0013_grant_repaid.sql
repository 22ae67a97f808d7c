ALTER TABLE `credit_grants` ADD `repaid_micros` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Debts other grants repaid before this column: each REPAY entry of theirs names the debtor only in its description.
UPDATE `credit_grants` SET `repaid_micros` = (
  SELECT coalesce(sum(-e.`amount_micros`), 0) FROM `ledger_entries` e
  WHERE e.`type` = 'REPAY' AND e.`account_id` = `credit_grants`.`account_id` AND e.`provider_id` = `credit_grants`.`provider_id`
    AND substr(e.`description`, 1, length('Credits owed by grant ' || `credit_grants`.`id` || ' (clawed back) repaid from grant '))
      = 'Credits owed by grant ' || `credit_grants`.`id` || ' (clawed back) repaid from grant '
) WHERE `clawed_micros` > 0;
