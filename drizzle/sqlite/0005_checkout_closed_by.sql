ALTER TABLE `checkout_sessions` ADD `closed_by` text;--> statement-breakpoint
-- Sessions closed before this column existed: our own expiry and failed provider calls left these reasons.
UPDATE `checkout_sessions` SET `closed_by` = CASE
  WHEN `failure_reason` = 'checkout expired unpaid' OR `failure_reason` LIKE 'payment provider error:%' THEN 'SERVER'
  ELSE 'PROVIDER'
END WHERE `status` IN ('EXPIRED', 'DECLINED');
