import type { Decimal } from "../pricing/decimal.js";
import type { JobStatus } from "../store/repositories/index.js";
import type { TransactionType } from "./ledger.js";
import type { Mode } from "./modes.js";

export interface AccountRecord {
  __typename: "Account";
  id: string;
  name: string;
  mode: Mode;
  testClockId: string | null;
  createdAt: Date;
}

export interface TransactionRecord {
  __typename: "Transaction";
  id: string;
  accountId: string;
  providerId: string;
  seq: number;
  sequence: number;
  type: TransactionType;
  amount: Decimal;
  balanceBefore: Decimal;
  balanceAfter: Decimal;
  jobId: string | null;
  refundOfId: string | null;
  idempotencyKey: string | null;
  description: string;
  createdAt: Date;
}

export interface JobLineItemRecord {
  code: string;
  description: string;
  quantity: string;
  unit: string;
  unitCredits: string;
  credits: string;
  source: "DOCUMENTED" | "ASSUMED";
}

export interface JobRecord {
  __typename: "Job";
  id: string;
  accountId: string;
  providerId: string;
  seq: number;
  status: JobStatus;
  reservedCredits: Decimal;
  consumedCredits: Decimal;
  productId: string | null;
  lineItems: JobLineItemRecord[];
  /** The catalog version the job was priced from; null for explicit credits (and jobs from before versions were kept). */
  catalogVersion: string | null;
  /** Its product is charged on acceptance: the job was completed when it was created. */
  chargedOnAcceptance: boolean;
  failureReason: string | null;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt: Date | null;
}

export interface ApiKeyRecord {
  __typename: "ApiKey";
  id: string;
  accountId: string;
  displayPrefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}
