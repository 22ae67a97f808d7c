/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A point in time, serialized as ISO 8601 in UTC (2026-01-31T12:00:00.000Z). */
  DateTime: { input: string; output: string; }
  /** An exact decimal number, serialized as a string such as "12.5" or "0.25" so no precision is lost in JSON. As input it takes a string of the form -?digits[.digits] (no spaces, plus sign, leading or trailing point, or exponent) or an integer; floats are refused. */
  Decimal: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSON: { input: unknown; output: unknown; }
};

/** A customer account holding credits. */
export type Account = Node & {
  __typename?: 'Account';
  /** The account's API keys, revoked ones included (never the keys themselves). */
  apiKeys: Array<ApiKey>;
  /** Automatic top-up settings; null until first set. */
  autoTopUp?: Maybe<AutoTopUp>;
  /**
   * Credits that can be spent now (balance - reserved), of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.
   * @deprecated Each provider's credits are their own currency: read wallet(provider: …) { balance reserved available }, or wallets.
   */
  available?: Maybe<Scalars['Decimal']['output']>;
  /**
   * Credits owned, including those held by running jobs, of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.
   * @deprecated Each provider's credits are their own currency: read wallet(provider: …) { balance reserved available }, or wallets.
   */
  balance?: Maybe<Scalars['Decimal']['output']>;
  /** Payments for credits: pack purchases, auto top-ups and subscription periods, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range). */
  checkoutSessions?: Maybe<CheckoutSessionConnection>;
  /** When the account was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Low-credit alert settings of one wallet; null until first set. */
  creditAlert?: Maybe<CreditAlert>;
  /** Low-credit alert settings, one per wallet that has them. */
  creditAlerts: Array<CreditAlert>;
  /** The account's events, oldest first; after a cursor, or after a sequence number last seen. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range). */
  events?: Maybe<EventConnection>;
  /** Account id, e.g. "acct_3f9c…". */
  id: Scalars['ID']['output'];
  /** The account's jobs, newest first. */
  jobs: JobConnection;
  /** LIVE or TEST: which payment provider its purchases go through. */
  mode: Mode;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Saved payment methods, the default first. */
  paymentMethods: Array<PaymentMethod>;
  /**
   * Credits held by running jobs (status RESERVED), of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.
   * @deprecated Each provider's credits are their own currency: read wallet(provider: …) { balance reserved available }, or wallets.
   */
  reserved?: Maybe<Scalars['Decimal']['output']>;
  /** Subscriptions, oldest first. */
  subscriptions: Array<PlanSubscription>;
  /** For a TEST account made on a test clock: the clock whose time it lives at. */
  testClock?: Maybe<TestClock>;
  /** The account's ledger, newest first. */
  transactions: TransactionConnection;
  /** The account's wallet of a provider; null when it never held that provider's credits. */
  wallet?: Maybe<Wallet>;
  /** The account's credits, one wallet per provider it holds credits of. */
  wallets: Array<Wallet>;
  /** Where the account's events are pushed, oldest first. */
  webhookEndpoints: Array<WebhookEndpoint>;
};


/** A customer account holding credits. */
export type AccountAvailableArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


/** A customer account holding credits. */
export type AccountBalanceArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


/** A customer account holding credits. */
export type AccountCheckoutSessionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<CheckoutSessionStatus>;
};


/** A customer account holding credits. */
export type AccountCreditAlertArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


/** A customer account holding credits. */
export type AccountEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  afterSequence?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};


/** A customer account holding credits. */
export type AccountJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<JobStatus>;
};


/** A customer account holding credits. */
export type AccountReservedArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


/** A customer account holding credits. */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  jobId?: InputMaybe<Scalars['ID']['input']>;
  provider?: InputMaybe<Scalars['ID']['input']>;
  type?: InputMaybe<TransactionType>;
};


/** A customer account holding credits. */
export type AccountWalletArgs = {
  provider: Scalars['ID']['input'];
};

/** A new account (admin only). */
export type AccountCreateInput = {
  /** LIVE (the default) or TEST; fixed for good. */
  mode?: InputMaybe<Mode>;
  /** Display name (up to 500 characters). */
  name: Scalars['String']['input'];
  /** A TEST account only: the test clock it lives on (testClockCreate); its time-driven changes follow that clock. */
  testClockId?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of accountCreate. */
export type AccountCreatePayload = {
  __typename?: 'AccountCreatePayload';
  /** The new account. */
  account?: Maybe<Account>;
  /** The account's API key, in full. Shown only this once: store it now. */
  apiKey?: Maybe<Scalars['String']['output']>;
  /** The key's id and prefix, as listed later. */
  key?: Maybe<ApiKey>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** An API key of an account. The key itself is shown only once, when created. */
export type ApiKey = Node & {
  __typename?: 'ApiKey';
  /** When the key was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The key's first characters, to tell keys apart. */
  displayPrefix: Scalars['String']['output'];
  /** Key id, e.g. "key_…"; also embedded in the key. */
  id: Scalars['ID']['output'];
  /** When the key was revoked; null while it works. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A new API key for an account (admin only). */
export type ApiKeyCreateInput = {
  /** The account. */
  accountId: Scalars['ID']['input'];
};

/** Result of apiKeyCreate. */
export type ApiKeyCreatePayload = {
  __typename?: 'ApiKeyCreatePayload';
  /** The new API key, in full. Shown only this once. */
  apiKey?: Maybe<Scalars['String']['output']>;
  /** The key's id and prefix. */
  key?: Maybe<ApiKey>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Revoke an API key (admin only); it stops working at once. */
export type ApiKeyRevokeInput = {
  /** The key's id (key_…). */
  keyId: Scalars['ID']['input'];
};

/** Result of apiKeyRevoke. */
export type ApiKeyRevokePayload = {
  __typename?: 'ApiKeyRevokePayload';
  /** The revoked key. */
  key?: Maybe<ApiKey>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Automatic purchase of a credit pack when available credits run low. */
export type AutoTopUp = {
  __typename?: 'AutoTopUp';
  /** Failed top-ups in a row; each waits longer before the next try. */
  consecutiveFailures: Scalars['Int']['output'];
  /** Whether top-ups happen. */
  enabled: Scalars['Boolean']['output'];
  /** True while a top-up payment is being processed (at most one at a time). */
  inFlight: Scalars['Boolean']['output'];
  /** Why the last top-up failed. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** Earliest next try after a failure. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The pack each top-up buys. */
  pack?: Maybe<CreditPack>;
  /** A reserve or consume that leaves available credits below this buys the pack. */
  thresholdCredits: Scalars['Decimal']['output'];
};

/** Turn automatic top-up on or off, or change it. */
export type AutoTopUpUpdateInput = {
  /** On or off. */
  enabled: Scalars['Boolean']['input'];
  /** The pack to buy (needed to turn on). */
  packId?: InputMaybe<Scalars['ID']['input']>;
  /** Top up when available credits fall below this (needed to turn on). */
  thresholdCredits?: InputMaybe<Scalars['Decimal']['input']>;
};

/** Result of autoTopUpUpdate. */
export type AutoTopUpUpdatePayload = {
  __typename?: 'AutoTopUpUpdatePayload';
  /** The settings now. */
  autoTopUp?: Maybe<AutoTopUp>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** What a variant's credits are charged for. */
export type BillingUnit =
  /** A flat number of credits per generated output. */
  | 'PER_GENERATION'
  /** Credits per image of the request (credits x image count), e.g. Hoox reve-fast. */
  | 'PER_IMAGE'
  /** Credits per second of generated output (credits x duration). */
  | 'PER_SECOND';

/** When a product is charged, and whether the vendor says so. */
export type ChargeTiming = {
  __typename?: 'ChargeTiming';
  /** Where the document says so, or why it is assumed. */
  note: Scalars['String']['output'];
  /** DOCUMENTED when the vendor's page states it, ASSUMED otherwise. */
  source: PriceSource;
};

/** Why a checkout session exists. */
export type CheckoutPurpose =
  /** An automatic top-up charging the default payment method. */
  | 'AUTO_TOP_UP'
  /** A buyer pays on the provider's checkout page. */
  | 'CHECKOUT'
  /** A subscription period's payment, charged to the default payment method. */
  | 'SUBSCRIPTION';

/** A purchase of a credit pack, paid through a payment provider. */
export type CheckoutSession = Node & {
  __typename?: 'CheckoutSession';
  /** When the session opened. */
  createdAt: Scalars['DateTime']['output'];
  /** Credits added once the payment is confirmed. */
  credits: Scalars['Decimal']['output'];
  /** When an unpaid session expires. */
  expiresAt: Scalars['DateTime']['output'];
  /** Why the session was declined or expired. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Session id, e.g. "cs_…". */
  id: Scalars['ID']['output'];
  /** The pack bought (as it is in the catalog now). */
  pack?: Maybe<CreditPack>;
  /** How the buyer pays. */
  paymentType: PaymentType;
  /** The price charged, as it was when the session opened. */
  price: Money;
  /** A buyer's checkout or an automatic top-up. */
  purpose: CheckoutPurpose;
  /** When it reached its final status. */
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the checkout stands. */
  status: CheckoutSessionStatus;
  /** The PURCHASE entry, once paid. */
  transaction?: Maybe<Transaction>;
  /** Where to send the buyer to pay; null for automatic top-ups. */
  url?: Maybe<Scalars['String']['output']>;
};

/** checkout_session.completed: a payment was confirmed and its credits added. */
export type CheckoutSessionCompleted = {
  __typename?: 'CheckoutSessionCompleted';
  /** The session, as it is now. */
  checkoutSession: CheckoutSession;
};

/** A page of checkout sessions, newest first. */
export type CheckoutSessionConnection = {
  __typename?: 'CheckoutSessionConnection';
  /** The sessions with their cursors. */
  edges: Array<CheckoutSessionEdge>;
  /** The sessions alone. */
  nodes: Array<CheckoutSession>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** Buy a credit pack. */
export type CheckoutSessionCreateInput = {
  /** Where the buyer returns after leaving the payment page unpaid (same rules as successUrl). */
  cancelUrl?: InputMaybe<Scalars['String']['input']>;
  /** The pack, e.g. "ugen/packs/creator". */
  packId: Scalars['ID']['input'];
  /** CARD (default) or PAYPAL. */
  paymentType?: InputMaybe<PaymentType>;
  /** Where the buyer returns after paying: an http(s) URL on this server or on an origin in CHECKOUT_RETURN_ORIGINS; {CHECKOUT_SESSION_ID} is replaced by the session's id. Default: this server's page showing the outcome. */
  successUrl?: InputMaybe<Scalars['String']['input']>;
};

/** Result of checkoutSessionCreate. */
export type CheckoutSessionCreatePayload = {
  __typename?: 'CheckoutSessionCreatePayload';
  /** The open session: send the buyer to its url. */
  checkoutSession?: Maybe<CheckoutSession>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** checkout_session.declined: a payment was declined. */
export type CheckoutSessionDeclined = {
  __typename?: 'CheckoutSessionDeclined';
  /** The session, as it is now. */
  checkoutSession: CheckoutSession;
};

/** A checkout session and its cursor. */
export type CheckoutSessionEdge = {
  __typename?: 'CheckoutSessionEdge';
  /** Pass as `after` to continue after this session. */
  cursor: Scalars['String']['output'];
  /** The session. */
  node: CheckoutSession;
};

/** checkout_session.expired: a session was not paid in time. */
export type CheckoutSessionExpired = {
  __typename?: 'CheckoutSessionExpired';
  /** The session, as it is now. */
  checkoutSession: CheckoutSession;
};

/** Where a checkout stands; every status but OPEN is final. */
export type CheckoutSessionStatus =
  /** Paid: the pack's credits were added (a PURCHASE entry). */
  | 'COMPLETED'
  /** The payment was declined or failed. */
  | 'DECLINED'
  /** Not paid in time. */
  | 'EXPIRED'
  /** Waiting for the buyer (or the provider) to pay. */
  | 'OPEN'
  /** The provider took the payment but its credits could not be added (see failureReason, e.g. the balance limit); it is kept for an operator to apply or refund (admin: unappliedPayments). */
  | 'PAID_NOT_CREDITED';

/** An email sent when available credits fall below a threshold. */
export type CreditAlert = {
  __typename?: 'CreditAlert';
  /** True when the next fall below the threshold will alert. */
  armed: Scalars['Boolean']['output'];
  /** Where alerts go. */
  email: Scalars['String']['output'];
  /** Whether alerts are sent. */
  enabled: Scalars['Boolean']['output'];
  /** When the last alert was queued. */
  lastAlertAt?: Maybe<Scalars['DateTime']['output']>;
  /** The provider whose wallet it watches. */
  providerId: Scalars['ID']['output'];
  /** Falling below this sends one alert; rising back to it re-arms. */
  thresholdCredits: Scalars['Decimal']['output'];
};

/** Turn low-credit email alerts on or off, or change them. */
export type CreditAlertUpdateInput = {
  /** Where to send alerts (needed to turn on). */
  email?: InputMaybe<Scalars['String']['input']>;
  /** On or off. */
  enabled: Scalars['Boolean']['input'];
  /** Whose wallet it watches (a provider id); may be left out when the account holds one provider's credits only. */
  provider?: InputMaybe<Scalars['ID']['input']>;
  /** Alert when available credits fall below this (needed to turn on). */
  thresholdCredits?: InputMaybe<Scalars['Decimal']['input']>;
};

/** Result of creditAlertUpdate. */
export type CreditAlertUpdatePayload = {
  __typename?: 'CreditAlertUpdatePayload';
  /** The settings now. */
  creditAlert?: Maybe<CreditAlert>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** How long credits last, and whether the vendor says so. */
export type CreditExpiry = {
  __typename?: 'CreditExpiry';
  /** Why, for an assumption. */
  note: Scalars['String']['output'];
  /** DOCUMENTED when the vendor's page states it, ASSUMED otherwise. */
  source: PriceSource;
};

/** A block of credits with its own expiry and priority. */
export type CreditGrant = Node & {
  __typename?: 'CreditGrant';
  /** Credits granted. */
  amount: Scalars['Decimal']['output'];
  /** What one of its credits cost (0 for promotional credits); null when unknown. */
  costBasis?: Maybe<Money>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** From when its credits can be spent. */
  effectiveAt: Scalars['DateTime']['output'];
  /** When its unspent credits expire; null: never. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Of remaining, what running jobs hold. */
  held: Scalars['Decimal']['output'];
  /** Grant id, e.g. "grant_…". */
  id: Scalars['ID']['output'];
  /** Paid, promotional or subscription credits. */
  kind: CreditGrantKind;
  /** Higher is spent first. */
  priority: Scalars['Int']['output'];
  /** Whose credits the grant holds. */
  provider: Provider;
  /** Credits still in the wallet's balance, held ones included. */
  remaining: Scalars['Decimal']['output'];
  /** What created it. */
  source: CreditGrantSource;
  /** The checkout session, subscription period (subscription id@period start) or other object that created it. */
  sourceId?: Maybe<Scalars['ID']['output']>;
  /** Whether its credits can be spent. */
  status: CreditGrantStatus;
};

/** A page of grants, newest first. */
export type CreditGrantConnection = {
  __typename?: 'CreditGrantConnection';
  /** The grants with their cursors. */
  edges: Array<CreditGrantEdge>;
  /** The grants alone. */
  nodes: Array<CreditGrant>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** A grant and its cursor. */
export type CreditGrantEdge = {
  __typename?: 'CreditGrantEdge';
  /** Pass as `after` to continue after this grant. */
  cursor: Scalars['String']['output'];
  /** The grant. */
  node: CreditGrant;
};

/** What kind of credits a grant holds. */
export type CreditGrantKind =
  /** Bought (a credit pack). */
  | 'PAID'
  /** Given (an operator's grant, sign-up credits); spent before paid credits of the same priority and expiry. */
  | 'PROMOTIONAL'
  /** A subscription period's credits. */
  | 'SUBSCRIPTION';

/** What created a grant. */
export type CreditGrantSource =
  /** An operator's creditsGrant, or a refund of credits consumed before wallets existed. */
  | 'ADMIN'
  /** A paid checkout session (a pack bought, or an auto top-up). */
  | 'CHECKOUT'
  /** Credits held before wallets existed (see the README). */
  | 'MIGRATION'
  /** Credits a new account started with. */
  | 'SIGN_UP'
  /** A paid subscription period. */
  | 'SUBSCRIPTION_PERIOD';

/** Where a grant stands. */
export type CreditGrantStatus =
  /** Its remaining credits can be spent. */
  | 'ACTIVE'
  /** Its purchase was refunded or disputed at the payment provider: its credits were taken back. */
  | 'CLAWED_BACK'
  /** Nothing remains. */
  | 'DEPLETED'
  /** Its expiry passed: what remained expired (credits running jobs held expire when released). */
  | 'EXPIRED'
  /** Not effective yet. */
  | 'PENDING';

/** A prepaid bundle of credits sold at a fixed price. */
export type CreditPack = Node & {
  __typename?: 'CreditPack';
  /** Credits the pack adds to the balance. */
  credits: Scalars['Decimal']['output'];
  /** Days the pack's credits last after the purchase; null: they never expire. */
  creditsExpireAfterDays?: Maybe<Scalars['Int']['output']>;
  /** Id of the form "<provider id>/packs/<slug>", e.g. "ugen/packs/creator". */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** price / credits, to six decimal places. */
  perCreditPrice: Money;
  /** What the pack costs. */
  price: Money;
  /** The provider selling the pack. */
  provider: Provider;
  /** Percent saved per credit against the provider's smallest pack, to two decimal places (0 for that pack). */
  savingsPercent: Scalars['Decimal']['output'];
  /** Whether price and credits are documented or assumed. */
  source: PriceSource;
  /** The pricing document the pack comes from. */
  sourceDocument: Scalars['String']['output'];
};

/** What an INSUFFICIENT_CREDITS refusal is missing, and the packs that would cover it. */
export type CreditShortfall = {
  __typename?: 'CreditShortfall';
  /** Credits missing from the wallet. */
  missingCredits: Scalars['Decimal']['output'];
  /** That provider's packs that would cover what is missing, smallest first (empty when none does alone). */
  packs: Array<CreditPack>;
  /** The wallet that is short. */
  provider: Provider;
};

/** Grant bonus credits to an account (admin only). */
export type CreditsGrantInput = {
  /** The account. */
  accountId: Scalars['ID']['input'];
  /** Credits to add, more than 0. */
  credits: Scalars['Decimal']['input'];
  /** When the unspent credits expire (in the future); default: never. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Makes a retried grant return the first result instead of granting twice. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Higher is spent first (default 0). */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** Whose credits (a provider id); may be left out when the account holds one provider's credits only. */
  provider?: InputMaybe<Scalars['ID']['input']>;
  /** Why, recorded on the ledger entry. */
  reason: Scalars['String']['input'];
};

/** Result of creditsGrant. */
export type CreditsGrantPayload = {
  __typename?: 'CreditsGrantPayload';
  /** The account after the change. */
  account?: Maybe<Account>;
  /** The new grant. */
  grant?: Maybe<CreditGrant>;
  /** The BONUS or REFUND entry. */
  transaction?: Maybe<Transaction>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** The itemized price of one request, without creating a job or spending credits. */
export type Estimate = {
  __typename?: 'Estimate';
  /** The part of totalCredits that rests on an assumed number: the sum of the ASSUMED lines (x generationCount). 0 when all is documented. */
  assumedCredits: Scalars['Decimal']['output'];
  /** Credits for one generation: the sum of lineItems. */
  costPerGeneration: Scalars['Decimal']['output'];
  /** The unit of every credit figure of the estimate: always "credits", as Hoox's price preview says, meaning the credits of the product's provider (each provider's credits are its own; totalPrice gives money where known). */
  currency: Scalars['String']['output'];
  /** Number of generations priced. */
  generationCount: Scalars['Int']['output'];
  /** The lines of one generation; they sum to costPerGeneration. */
  lineItems: Array<LineItem>;
  /** The model priced, for products priced by model. */
  model?: Maybe<Model>;
  /** Only the inputs the engine coerced to a supported value; empty when none. */
  normalized: Array<NormalizedParameter>;
  /** The product priced. */
  product: Product;
  /** DOCUMENTED when every line is; ASSUMED when any credit of the estimate is (see assumedCredits). */
  source: PriceSource;
  /** What totalCredits would cost the API key's account: its wallet's spendable credits in the order a job spends them, at each grant's cost basis (a pack's price per credit; promotional credits 0). totalPrice is the provider's documented value instead. Null without an account's key, when the wallet does not hold that many credits, or when a grant's cost is unknown. */
  totalCostBasis?: Maybe<Money>;
  /** costPerGeneration x generationCount. */
  totalCredits: Scalars['Decimal']['output'];
  /** totalCredits at the provider's documented credit value (Provider.creditValue), when it has one. What they cost the viewer: totalCostBasis. */
  totalPrice?: Maybe<Money>;
};

/** What to price: a product, optionally a model, its parameters and how many generations. */
export type EstimateInput = {
  /** Number of variations to generate (1-100). Default 1. */
  generationCount?: InputMaybe<Scalars['Int']['input']>;
  /** For products priced by model: the model ("ugen/models/sora2", or just "sora2"). Default: the product's defaultModel; required where Product.modelRequired. */
  modelId?: InputMaybe<Scalars['ID']['input']>;
  /** Parameter values; omitted ones take their defaultValue. Unknown names are errors. */
  parameters?: InputMaybe<Array<ParameterInput>>;
  /** The product, e.g. "subclip/text-to-speech". */
  productId: Scalars['ID']['input'];
};

/** Something that changed in the account: a job, a wallet, a checkout session, a plan subscription or a grant. */
export type Event = {
  __typename?: 'Event';
  /** When it happened. */
  createdAt: Scalars['DateTime']['output'];
  /** The objects it is about, by kind (job, wallet, checkoutSession, subscription, grant), each with its id and its state after the change; credits as decimal strings of the object's provider. `change` says what changed. */
  data: Scalars['JSON']['output'];
  /** Unique; the `webhook-id` of its deliveries, so a receiver can drop duplicates. */
  id: Scalars['ID']['output'];
  /** What the event says, typed: its objects as they are now, and what changed. */
  payload: EventPayload;
  /** 1, 2, 3 … per account, in the order the changes were made: catch up from the last one seen. */
  sequence: Scalars['Int']['output'];
  /** What happened, e.g. "job.completed", "wallet.credits_added". */
  type: Scalars['String']['output'];
};

/** A page of events, oldest first. */
export type EventConnection = {
  __typename?: 'EventConnection';
  /** The events with their cursors. */
  edges: Array<EventEdge>;
  /** The events, without cursors. */
  nodes: Array<Event>;
  /** Whether more follow. */
  pageInfo: PageInfo;
};

/** An event and its cursor. */
export type EventEdge = {
  __typename?: 'EventEdge';
  /** Pass as `after` to continue after this event. */
  cursor: Scalars['String']['output'];
  /** The event. */
  node: Event;
};

/** What an event says, one type per event type (Event.type): switch on __typename. */
export type EventPayload = CheckoutSessionCompleted | CheckoutSessionDeclined | CheckoutSessionExpired | GrantClawedBack | JobCancelled | JobCompleted | JobExpired | JobFailed | JobReserved | SubscriptionCancelled | SubscriptionPaymentFailed | SubscriptionRenewed | WalletCreditsAdded | WalletCreditsExpired | WalletLowBalance;

/** grant.clawed_back: a purchase refunded or disputed at the payment provider took its grant's credits back. */
export type GrantClawedBack = {
  __typename?: 'GrantClawedBack';
  /** Credits claimed back (what was spent of them is owed). */
  claimed: Scalars['Decimal']['output'];
  /** The grant (always set for this type). */
  grant?: Maybe<CreditGrant>;
  /** Why. */
  reason: Scalars['String']['output'];
  /** The entries it wrote. */
  transactions: Array<Transaction>;
  /** The wallet, as it is now. */
  wallet: Wallet;
};

/** A unit of work that holds credits while it runs and is then charged once. */
export type Job = Node & {
  __typename?: 'Job';
  /** The version of the catalog (Query.catalogVersion) the job was priced from; null when credits were given directly. */
  catalogVersion?: Maybe<Scalars['String']['output']>;
  /** Its product is charged when the request is accepted (Product.chargedOnAcceptance): the job consumed its credits when it was created and was COMPLETED then; jobComplete, jobFail and jobCancel answer JOB_ALREADY_RESOLVED. */
  chargedOnAcceptance: Scalars['Boolean']['output'];
  /** Credits the job used (0 until it completes). */
  consumedCredits: Scalars['Decimal']['output'];
  /** When the job was created (and its credits reserved). */
  createdAt: Scalars['DateTime']['output'];
  /** When an unresolved reservation expires and is released. */
  expiresAt: Scalars['DateTime']['output'];
  /** Why the job failed or expired, when it did. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Job id, e.g. "job_…". */
  id: Scalars['ID']['output'];
  /** The estimate the reservation was priced from, as it was then; empty when credits were given directly. */
  lineItems: Array<LineItem>;
  /** The product the job was priced as; null for explicit credits. */
  product?: Maybe<Product>;
  /** The provider whose credits the job holds and spends. */
  provider: Provider;
  /** Credits held when the job was created. */
  reservedCredits: Scalars['Decimal']['output'];
  /** When the job reached its final status. */
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Where the reservation stands. */
  status: JobStatus;
  /** The job's ledger entries, oldest first. */
  transactions: Array<Transaction>;
};

/** Cancel a job: its whole hold is released. */
export type JobCancelInput = {
  /** The job. */
  jobId: Scalars['ID']['input'];
};

/** Result of jobCancel. */
export type JobCancelPayload = {
  __typename?: 'JobCancelPayload';
  /** The account after the change. */
  account?: Maybe<Account>;
  /** The job in its final status; null when userErrors is not empty. */
  job?: Maybe<Job>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** job.cancelled: a job's hold was released. */
export type JobCancelled = {
  __typename?: 'JobCancelled';
  /** The job, as it is now. */
  job: Job;
  /** The wallet it reserves from, as it is now. */
  wallet: Wallet;
};

/** A job's state after an event about it (reserved, completed, failed, cancelled, expired). */
export type JobChange = {
  __typename?: 'JobChange';
  /** Credits the job used (0 until it completes). */
  consumedCredits: Scalars['Decimal']['output'];
  /** The event (its id, type and sequence number). */
  event: Event;
  /** The job as it is now (at least as of this event): a normalized client cache updates the job it holds from each push. */
  job: Job;
  /** The job, e.g. "job_…" (Job.id). */
  jobId: Scalars['ID']['output'];
  /** Whose credits the job spends (Provider.id), when the event names it. */
  provider?: Maybe<Scalars['ID']['output']>;
  /** Credits held when the job was created. */
  reservedCredits: Scalars['Decimal']['output'];
  /** Where the job's reservation stands after the event. */
  status: JobStatus;
};

/** Finish a job: its consumed credits are spent and the rest of the hold is released. */
export type JobCompleteInput = {
  /** Credits the job actually used. Default: all reserved. More than reserved is taken from the wallet's available credits (INSUFFICIENT_CREDITS, and nothing changes, when they do not cover it). */
  consumedCredits?: InputMaybe<Scalars['Decimal']['input']>;
  /** The job. */
  jobId: Scalars['ID']['input'];
  /** true: the YouTube transcript fetch fell back to speech recognition (Subclip AI Clipping with youtubeTranscript), so its credit is not charged: the job consumes its reserved credits less that line's. BAD_USER_INPUT on a job whose estimate has no youtube_transcript line, and with consumedCredits (which would already leave it out). */
  transcriptFallback?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Result of jobComplete. */
export type JobCompletePayload = {
  __typename?: 'JobCompletePayload';
  /** The account after the change. */
  account?: Maybe<Account>;
  /** The job in its final status; null when userErrors is not empty. */
  job?: Maybe<Job>;
  /** With INSUFFICIENT_CREDITS (consumedCredits above the reservation): what is missing, and the packs that would cover it. */
  shortfall?: Maybe<CreditShortfall>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** job.completed: a job consumed its credits and released the rest. */
export type JobCompleted = {
  __typename?: 'JobCompleted';
  /** The job, as it is now. */
  job: Job;
  /** The wallet it reserves from, as it is now. */
  wallet: Wallet;
};

/** A page of jobs, newest first. */
export type JobConnection = {
  __typename?: 'JobConnection';
  /** The jobs with their cursors. */
  edges: Array<JobEdge>;
  /** The jobs alone. */
  nodes: Array<Job>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** A job to start: give exactly one of estimate, jobEstimate or credits. */
export type JobCreateInput = {
  /** Reserve exactly these credits. */
  credits?: InputMaybe<Scalars['Decimal']['input']>;
  /** Reserve what this estimate costs (totalCredits). */
  estimate?: InputMaybe<EstimateInput>;
  /** Up to 255 characters. A retry with the same key and input returns the first result instead of reserving twice; kept at least 24 h. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Reserve what this U-Gen job estimate costs. */
  jobEstimate?: InputMaybe<JobEstimateInput>;
  /** With credits: whose credits (a provider id); may be left out when the account holds one provider's credits only. */
  provider?: InputMaybe<Scalars['ID']['input']>;
};

/** Result of jobCreate. */
export type JobCreatePayload = {
  __typename?: 'JobCreatePayload';
  /** The account after the reservation. */
  account?: Maybe<Account>;
  /** The new job; null when userErrors is not empty. */
  job?: Maybe<Job>;
  /** With INSUFFICIENT_CREDITS: what is missing, and the packs that would cover it. */
  shortfall?: Maybe<CreditShortfall>;
  /** The RESERVE entry. */
  transaction?: Maybe<Transaction>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** A job and its cursor. */
export type JobEdge = {
  __typename?: 'JobEdge';
  /** Pass as `after` to continue after this job. */
  cursor: Scalars['String']['output'];
  /** The job. */
  node: Job;
};

/** The itemized credits a U-Gen video job reserves, by cost component. */
export type JobEstimate = {
  __typename?: 'JobEstimate';
  /** The part of totalCredits that rests on an assumed number: the sum of the ASSUMED lines. 0 when all is documented. */
  assumedCredits: Scalars['Decimal']['output'];
  /** One line per cost component that applies. */
  lineItems: Array<LineItem>;
  /** The video model priced. */
  model: Model;
  /** The product priced: ugen/job-estimate. */
  product: Product;
  /** DOCUMENTED when every line is; ASSUMED when any credit of the estimate is (see assumedCredits). */
  source: PriceSource;
  /** What totalCredits would cost the API key's account: its wallet's spendable credits in the order a job spends them, at each grant's cost basis (a pack's price per credit; promotional credits 0). totalPrice is the provider's documented value instead. Null without an account's key, when the wallet does not hold that many credits, or when a grant's cost is unknown. */
  totalCostBasis?: Maybe<Money>;
  /** Credits the job needs: the sum of lineItems. */
  totalCredits: Scalars['Decimal']['output'];
  /** totalCredits at U-Gen's documented credit value (1 credit = $0.01). What they cost the viewer: totalCostBasis. */
  totalPrice?: Maybe<Money>;
};

/** The U-Gen job-estimate body in camelCase. Omitted fields take the defaults of ugen/job-estimate's parameters (veo3_fast, i2v, 8 s, standard, 1k keyframes, tiktok_karaoke captions, music on, voice off, no QA or review budgets). */
export type JobEstimateInput = {
  /** "tiktok_karaoke" (default) or "none". */
  captionStyle?: InputMaybe<Scalars['String']['input']>;
  /** Custom cloned voice for the voice-over (default false). */
  customVoice?: InputMaybe<Scalars['Boolean']['input']>;
  /** Seconds per segment (default 8); per-second models bill it. */
  durationSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** Anchor rejections budgeted (default 0). */
  hitlAnchorMaxRejections?: InputMaybe<Scalars['Int']['input']>;
  /** Segment rejections budgeted (default 0). */
  hitlSegmentsMaxRejections?: InputMaybe<Scalars['Int']['input']>;
  /** Human approval of the anchor keyframes (default false). */
  humanReviewGate?: InputMaybe<Scalars['Boolean']['input']>;
  /** Human approval of the segments (default false). */
  humanReviewVideos?: InputMaybe<Scalars['Boolean']['input']>;
  /** "1k" (default), "2k" or "4k". */
  keyframeResolution?: InputMaybe<Scalars['String']['input']>;
  /** Keyframe retries budgeted by QA (default 0). */
  maxKfRetries?: InputMaybe<Scalars['Int']['input']>;
  /** Segment retries budgeted by QA (default 0). */
  maxVideoRetries?: InputMaybe<Scalars['Int']['input']>;
  /** Video model, e.g. "veo3_fast" (default), "veo3", "sora2", "kling_v2_5_turbo". */
  modelId?: InputMaybe<Scalars['ID']['input']>;
  /** Background music (default true). */
  musicEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Automated quality checks with retries (default false). */
  qaiEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** "standard" (default) or "hd". */
  resolution?: InputMaybe<Scalars['String']['input']>;
  /** Number of video segments (1-100); N segments need N + 1 keyframes. */
  segmentCount: Scalars['Int']['input'];
  /** "i2v" (default) or "t2v". */
  variant?: InputMaybe<Scalars['String']['input']>;
  /** Voice-over (default false). */
  voiceEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** job.expired: a job not resolved in time had its hold released. */
export type JobExpired = {
  __typename?: 'JobExpired';
  /** The job, as it is now. */
  job: Job;
  /** The wallet it reserves from, as it is now. */
  wallet: Wallet;
};

/** Mark a job failed: its whole hold is released. */
export type JobFailInput = {
  /** The job. */
  jobId: Scalars['ID']['input'];
  /** Why it failed (up to 500 characters). */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Result of jobFail. */
export type JobFailPayload = {
  __typename?: 'JobFailPayload';
  /** The account after the change. */
  account?: Maybe<Account>;
  /** The job in its final status; null when userErrors is not empty. */
  job?: Maybe<Job>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** job.failed: a job's hold was released. */
export type JobFailed = {
  __typename?: 'JobFailed';
  /** The job, as it is now. */
  job: Job;
  /** The wallet it reserves from, as it is now. */
  wallet: Wallet;
};

/** job.reserved: a job held its credits. */
export type JobReserved = {
  __typename?: 'JobReserved';
  /** The job, as it is now. */
  job: Job;
  /** The wallet it reserves from, as it is now. */
  wallet: Wallet;
};

/** Where a job's reservation stands. Every status but RESERVED is final. */
export type JobStatus =
  /** Cancelled by the client: everything was released. */
  | 'CANCELLED'
  /** Done: the consumed credits were spent, the rest released. */
  | 'COMPLETED'
  /** Not resolved in time: everything was released. */
  | 'EXPIRED'
  /** Failed: everything was released. */
  | 'FAILED'
  /** Running: its credits are held. */
  | 'RESERVED';

/** One line of an estimate: quantity x unitCredits = credits. Minimums, multipliers and rounding appear as their own lines. */
export type LineItem = {
  __typename?: 'LineItem';
  /** Code of the price component, e.g. "face_tracking", or of an adjustment ("minimum_charge", "rounding"). */
  code: Scalars['String']['output'];
  /** quantity x unitCredits, to the micro-credit (a further fraction rounds up). It is computed from the exact quantity (seconds / 60 is not rounded first); quantity is shown to 6 decimal places, so redoing the product from it may differ by a micro-credit or two. */
  credits: Scalars['Decimal']['output'];
  /** What the line charges for. */
  description: Scalars['String']['output'];
  /** How many units are charged (blocks, for components billed in increments). */
  quantity: Scalars['Decimal']['output'];
  /** DOCUMENTED only when every number of the line is documented by the provider: a documented percentage, multiplier, minimum or rounding of assumed credits is ASSUMED. */
  source: PriceSource;
  /** The unit counted, e.g. "minute", "30-second block", "adjustment". */
  unit: Scalars['String']['output'];
  /** Credits per unit. */
  unitCredits: Scalars['Decimal']['output'];
};

/** Live or test, as Stripe's livemode. Fixed when the account is made; its keys show it (pak_live_…, pak_test_…). */
export type Mode =
  /** Pays only through a real payment provider (Stripe, for cards): its credits are paid for (or granted by an operator). */
  | 'LIVE'
  /** Pays only through the embedded sandbox, in every environment: its credits are test credits, never live ones. */
  | 'TEST';

/** A generative model offered by a provider, priced through its variants. */
export type Model = Node & {
  __typename?: 'Model';
  /** What the model is. */
  description: Scalars['String']['output'];
  /** Id of the form "<provider id>/models/<slug>", e.g. "ugen/models/veo3_fast". */
  id: Scalars['ID']['output'];
  /** Factor applied to the credits of every variant (Hunyuan: "1.5"); "1" for most. */
  multiplier: Scalars['Decimal']['output'];
  /** Whether the multiplier is documented or assumed; null when it is 1. */
  multiplierSource?: Maybe<PriceSource>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Why an assumed model is offered. */
  note?: Maybe<Scalars['String']['output']>;
  /** The provider offering the model. */
  provider: Provider;
  /** DOCUMENTED when the provider's document names this model; ASSUMED when it is offered without being named there (see note). */
  source: PriceSource;
  /** The pricing document the model comes from. */
  sourceDocument: Scalars['String']['output'];
  /** Priced configurations of the model. */
  variants: Array<Variant>;
};

/** An amount of money in a currency. */
export type Money = {
  __typename?: 'Money';
  /** The exact amount, e.g. "45" or "0.045". */
  amount: Scalars['Decimal']['output'];
  /** ISO 4217 currency code, e.g. "USD". */
  currency: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Creates an account and its first API key (admin key only). */
  accountCreate: AccountCreatePayload;
  /** Issues another API key for an account (admin key only). */
  apiKeyCreate: ApiKeyCreatePayload;
  /** Revokes an API key (admin key only); it stops working with the next request. */
  apiKeyRevoke: ApiKeyRevokePayload;
  /** Sets automatic top-up: when a reserve or consume leaves available credits below the threshold, the pack is bought with the default payment method. */
  autoTopUpUpdate: AutoTopUpUpdatePayload;
  /** Starts buying a credit pack: send the buyer to the session's url. Credits are added when the provider confirms the payment. */
  checkoutSessionCreate: CheckoutSessionCreatePayload;
  /** Sets the low-credit email alert: one email per fall below the threshold. */
  creditAlertUpdate: CreditAlertUpdatePayload;
  /** Grants promotional credits to one of an account's wallets, as a grant and its BONUS entry (admin key only). */
  creditsGrant: CreditsGrantPayload;
  /** Cancels a running job and releases its credits. Once only. */
  jobCancel: JobCancelPayload;
  /** Completes a running job: its consumed credits (default: all reserved) are spent and the rest released. Once only: JOB_ALREADY_RESOLVED after that. */
  jobComplete: JobCompletePayload;
  /** Prices a job (or takes explicit credits) and reserves that many credits. INSUFFICIENT_CREDITS, saying how many are missing, when the account cannot cover it; nothing is written then. */
  jobCreate: JobCreatePayload;
  /** Marks a running job failed and releases its credits. Once only. */
  jobFail: JobFailPayload;
  /** Saves a payment method from a provider token (with Stripe: a pm_… id made by Stripe.js, attached to the account's Stripe Customer). A new default retries past-due subscription payments at once. */
  paymentMethodAttach: PaymentMethodAttachPayload;
  /** Removes a saved payment method. */
  paymentMethodDetach: PaymentMethodDetachPayload;
  /** Makes a saved payment method the default; past-due subscription payments are retried with it at once. */
  paymentMethodSetDefault: PaymentMethodSetDefaultPayload;
  /** Starts saving a payment method on the provider's page (Stripe Checkout in setup mode, or the sandbox's card page): send the buyer to its url. The method becomes the default once the provider confirms it. */
  paymentMethodSetupCreate: PaymentMethodSetupCreatePayload;
  /** Cancels a subscription at the end of its current period (a past-due one at once). BAD_USER_INPUT when it has already ended (ENDED or UNPAID). */
  subscriptionCancel: SubscriptionCancelPayload;
  /** Subscribes to a plan: each period is charged to the default payment method at its start, and its credits are granted once the payment is confirmed. CONTACT_SALES for plans without a price. */
  subscriptionCreate: SubscriptionCreatePayload;
  /** Moves a test clock forward (the admin key, or a TEST account's key on that clock), a day at a time, running what falls due for its accounts on the way (credit expiries, reservation timeouts, subscription renewals and their payments, retries) before answering. One advance at a time per clock. */
  testClockAdvance: TestClockAdvancePayload;
  /** Makes a test clock (admin key only); then make TEST accounts on it with accountCreate(input: { mode: TEST, testClockId }). */
  testClockCreate: TestClockPayload;
  /** Deletes a test clock (admin key only): it never moves again, and its accounts' API keys are revoked (their ledgers stay). */
  testClockDelete: TestClockPayload;
  /** Gives back credits of a CONSUME entry, as a REFUND entry; never more than was consumed (admin key only). */
  transactionRefund: TransactionRefundPayload;
  /** Applies the credits of a payment that could not be credited, or dismisses it after a refund at the provider (admin key only). */
  unappliedPaymentResolve: UnappliedPaymentResolvePayload;
  /** Registers an endpoint for the account's events; the payload carries its signing secret, shown once. */
  webhookEndpointCreate: WebhookEndpointCreatePayload;
  /** Removes an endpoint; nothing more is sent to it. */
  webhookEndpointDelete: WebhookEndpointDeletePayload;
  /** Gives an endpoint a new signing secret, shown once; the old one signs deliveries too until previousSecretExpiresInHours have passed. */
  webhookEndpointSecretRotate: WebhookEndpointSecretRotatePayload;
  /** Changes an endpoint's URL, event types, note, or whether it is enabled. */
  webhookEndpointUpdate: WebhookEndpointUpdatePayload;
  /** Delivers one of the account's events to one endpoint again (same webhook-id), whatever became of earlier deliveries. */
  webhookEventResend: WebhookEventResendPayload;
};


export type MutationAccountCreateArgs = {
  input: AccountCreateInput;
};


export type MutationApiKeyCreateArgs = {
  input: ApiKeyCreateInput;
};


export type MutationApiKeyRevokeArgs = {
  input: ApiKeyRevokeInput;
};


export type MutationAutoTopUpUpdateArgs = {
  input: AutoTopUpUpdateInput;
};


export type MutationCheckoutSessionCreateArgs = {
  input: CheckoutSessionCreateInput;
};


export type MutationCreditAlertUpdateArgs = {
  input: CreditAlertUpdateInput;
};


export type MutationCreditsGrantArgs = {
  input: CreditsGrantInput;
};


export type MutationJobCancelArgs = {
  input: JobCancelInput;
};


export type MutationJobCompleteArgs = {
  input: JobCompleteInput;
};


export type MutationJobCreateArgs = {
  input: JobCreateInput;
};


export type MutationJobFailArgs = {
  input: JobFailInput;
};


export type MutationPaymentMethodAttachArgs = {
  input: PaymentMethodAttachInput;
};


export type MutationPaymentMethodDetachArgs = {
  input: PaymentMethodInput;
};


export type MutationPaymentMethodSetDefaultArgs = {
  input: PaymentMethodInput;
};


export type MutationPaymentMethodSetupCreateArgs = {
  input?: InputMaybe<PaymentMethodSetupCreateInput>;
};


export type MutationSubscriptionCancelArgs = {
  input: SubscriptionCancelInput;
};


export type MutationSubscriptionCreateArgs = {
  input: SubscriptionCreateInput;
};


export type MutationTestClockAdvanceArgs = {
  input: TestClockAdvanceInput;
};


export type MutationTestClockCreateArgs = {
  input: TestClockCreateInput;
};


export type MutationTestClockDeleteArgs = {
  input: TestClockDeleteInput;
};


export type MutationTransactionRefundArgs = {
  input: TransactionRefundInput;
};


export type MutationUnappliedPaymentResolveArgs = {
  input: UnappliedPaymentResolveInput;
};


export type MutationWebhookEndpointCreateArgs = {
  input: WebhookEndpointCreateInput;
};


export type MutationWebhookEndpointDeleteArgs = {
  input: WebhookEndpointDeleteInput;
};


export type MutationWebhookEndpointSecretRotateArgs = {
  input: WebhookEndpointSecretRotateInput;
};


export type MutationWebhookEndpointUpdateArgs = {
  input: WebhookEndpointUpdateInput;
};


export type MutationWebhookEventResendArgs = {
  input: WebhookEventResendInput;
};

/** An object with a globally unique id, which `node(id:)` fetches again. */
export type Node = {
  /** Globally unique, stable id. */
  id: Scalars['ID']['output'];
};

/** An input the engine changed to a supported value, e.g. a 9 s duration priced as 8 s. */
export type NormalizedParameter = {
  __typename?: 'NormalizedParameter';
  /** The value priced. */
  applied: Scalars['JSON']['output'];
  /** The parameter's name. */
  name: Scalars['String']['output'];
  /** The value sent. */
  requested: Scalars['JSON']['output'];
};

/** Where a page sits in the whole list (Relay). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item; null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow; pass endCursor as `after` to get them. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items precede this page (always false: pages go forward only). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item; null on an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** One input of a product's price, as described by Product.parameters. */
export type ParameterInput = {
  /** The parameter's name, e.g. durationSeconds. */
  name: Scalars['String']['input'];
  /** The value, of the parameter's type: 90, 12.5, "1080p", true, ["a", "b"]. */
  value: Scalars['JSON']['input'];
};

/** The JSON type a parameter's value must have. */
export type ParameterType =
  /** true or false. */
  | 'BOOLEAN'
  /** A number, e.g. 90 or 12.5 (a string such as "12.5" is accepted too). */
  | 'DECIMAL'
  /** A list of numbers, e.g. [30, 45.5]. */
  | 'DECIMAL_LIST'
  /** A whole number, e.g. 3. */
  | 'INTEGER'
  /** A string, usually one of allowedValues. */
  | 'STRING'
  /** A list of strings, e.g. ["https://…/a.png"]. */
  | 'STRING_LIST';

/** A saved way to pay (a provider token; card numbers never reach this API). */
export type PaymentMethod = Node & {
  __typename?: 'PaymentMethod';
  /** When it was attached. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was detached; null while attached. */
  detachedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Payment method id, e.g. "pmt_…". */
  id: Scalars['ID']['output'];
  /** Whether automatic top-ups charge this method. */
  isDefault: Scalars['Boolean']['output'];
  /** What to show the buyer, e.g. "visa (sandbox)". */
  label: Scalars['String']['output'];
  /** "sandbox" or "stripe". */
  provider: Scalars['String']['output'];
};

/** Save a payment method from the provider's token. */
export type PaymentMethodAttachInput = {
  /** Make it the default (the first method always is). */
  makeDefault?: InputMaybe<Scalars['Boolean']['input']>;
  /** The provider's token: a Stripe "pm_…" id, or a sandbox test token such as "tok_visa". Never a card number. */
  token: Scalars['String']['input'];
};

/** Result of paymentMethodAttach. */
export type PaymentMethodAttachPayload = {
  __typename?: 'PaymentMethodAttachPayload';
  /** The payment method. */
  paymentMethod?: Maybe<PaymentMethod>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Result of paymentMethodDetach. */
export type PaymentMethodDetachPayload = {
  __typename?: 'PaymentMethodDetachPayload';
  /** The payment method. */
  paymentMethod?: Maybe<PaymentMethod>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** A saved payment method of the account. */
export type PaymentMethodInput = {
  /** The payment method. */
  paymentMethodId: Scalars['ID']['input'];
};

/** Result of paymentMethodSetDefault. */
export type PaymentMethodSetDefaultPayload = {
  __typename?: 'PaymentMethodSetDefaultPayload';
  /** The payment method. */
  paymentMethod?: Maybe<PaymentMethod>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** The buyer saving a payment method on the provider's own page (Stripe Checkout in setup mode, with the bank's confirmation when it asks for one; the sandbox's card page), for later charges without the buyer present. */
export type PaymentMethodSetup = Node & {
  __typename?: 'PaymentMethodSetup';
  /** When the method was saved. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the setup opened. */
  createdAt: Scalars['DateTime']['output'];
  /** When an unfinished setup expires. */
  expiresAt: Scalars['DateTime']['output'];
  /** Setup id, e.g. "pms_…". */
  id: Scalars['ID']['output'];
  /** "sandbox" or "stripe". */
  provider: Scalars['String']['output'];
  /** Where the setup stands. */
  status: PaymentMethodSetupStatus;
  /** Where to send the buyer to save the method. */
  url?: Maybe<Scalars['String']['output']>;
};

/** Save a payment method on the provider's page. */
export type PaymentMethodSetupCreateInput = {
  /** Where the buyer returns after giving up. */
  cancelUrl?: InputMaybe<Scalars['String']['input']>;
  /** Where the buyer returns once it is saved (rules as for checkoutSessionCreate's successUrl). */
  successUrl?: InputMaybe<Scalars['String']['input']>;
};

/** Result of paymentMethodSetupCreate. */
export type PaymentMethodSetupCreatePayload = {
  __typename?: 'PaymentMethodSetupCreatePayload';
  /** The open setup: send the buyer to its url. */
  paymentMethodSetup?: Maybe<PaymentMethodSetup>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Where saving a payment method stands. */
export type PaymentMethodSetupStatus =
  /** Saved: the method is the account's default (see paymentMethod). */
  | 'COMPLETED'
  /** Not finished in time. */
  | 'EXPIRED'
  /** Waiting for the buyer on the provider's page. */
  | 'OPEN';

/** How the buyer pays at checkout. */
export type PaymentType =
  /** Card, through Stripe when it is configured (otherwise the sandbox). */
  | 'CARD'
  /** PayPal; handled by the sandbox provider for now. */
  | 'PAYPAL';

/** How often a subscription renews. */
export type PlanInterval =
  | 'MONTH'
  | 'YEAR';

/** A subscription to a plan that grants credits each month. */
export type PlanSubscription = Node & {
  __typename?: 'PlanSubscription';
  /** True once cancelled: no renewal after the current period. */
  cancelAtPeriodEnd: Scalars['Boolean']['output'];
  /** When the subscription started. */
  createdAt: Scalars['DateTime']['output'];
  /** End of the current period: the next grant, or the end if cancelled. */
  currentPeriodEnd: Scalars['DateTime']['output'];
  /** Start of the current period (its credits were granted then). */
  currentPeriodStart: Scalars['DateTime']['output'];
  /** When it ended. */
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Failed payment attempts for the current period; 0 once it is paid. */
  failedPaymentAttempts: Scalars['Int']['output'];
  /** Subscription id, e.g. "sub_…". */
  id: Scalars['ID']['output'];
  /** Why the last period's payment failed; null once a payment succeeds. */
  lastPaymentError?: Maybe<Scalars['String']['output']>;
  /** Credits granted at the start of each period. */
  monthlyCredits: Scalars['Decimal']['output'];
  /** When a past-due payment is retried next; null when none is scheduled. */
  nextPaymentAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The plan subscribed to. */
  plan?: Maybe<SubscriptionPlan>;
  /** Whether it still grants credits. */
  status: SubscriptionStatus;
};

/** One part of a product's price formula. An estimate shows one line item per component that applies. */
export type PriceComponent = {
  __typename?: 'PriceComponent';
  /** Units are billed in whole blocks of this size ("5 credits per 30 seconds": 30); a started block counts. */
  blockSize?: Maybe<Scalars['Decimal']['output']>;
  /** Stable code, e.g. "face_tracking"; line items carry the same code. */
  code: Scalars['String']['output'];
  /** When the component applies, e.g. {"param":"faceTracking"}. Null: always. */
  condition?: Maybe<Scalars['JSON']['output']>;
  /** What is charged. */
  description: Scalars['String']['output'];
  /** The component costs at least this much when it applies. */
  minimumCredits?: Maybe<Scalars['Decimal']['output']>;
  /** Why a value was assumed, or how an ambiguous rule was read. */
  note?: Maybe<Scalars['String']['output']>;
  /** PERCENT_OF: the percentage per unit, e.g. 50. */
  percent?: Maybe<Scalars['Decimal']['output']>;
  /** PERCENT_OF: codes of the components the percentage applies to. */
  percentOf: Array<Scalars['String']['output']>;
  /** How the quantity is computed from the parameters, e.g. {"div":[{"param":"durationSeconds"},{"const":"60"}]}. */
  quantity: Scalars['JSON']['output'];
  /** How the credits per unit are found. */
  rateKind: RateKind;
  /** BY_PARAMETER: the parameter whose value picks the rate. */
  rateParameter?: Maybe<Scalars['String']['output']>;
  /** BY_PARAMETER: the rate for each value. Empty otherwise. */
  rateTiers: Array<RateTier>;
  /** Whether the rate is documented by the provider or assumed by us. */
  source: PriceSource;
  /** The pricing document the rate comes from. */
  sourceDocument: Scalars['String']['output'];
  /** The unit counted, e.g. "second", "minute", "image". */
  unit: Scalars['String']['output'];
  /** FLAT: credits per unit (or per block). */
  unitCredits?: Maybe<Scalars['Decimal']['output']>;
  /** VARIANT: the fixed model priced; null means the request's model. */
  variantModelId?: Maybe<Scalars['ID']['output']>;
};

/** Where a price comes from. */
export type PriceSource =
  /** Filled in by us because the page gives only a range, points elsewhere, or leaves the number out. Do not present it as the provider's price. */
  | 'ASSUMED'
  /** Stated by the provider's pricing page, or follows from its worked examples. */
  | 'DOCUMENTED';

/** A priced API operation of a provider, e.g. Subclip's Text to Speech. */
export type Product = Node & {
  __typename?: 'Product';
  /** Broad kind of output: video, image, audio, text or job. */
  category: Scalars['String']['output'];
  /** Where chargedOnAcceptance comes from, when it is true. */
  chargeTiming?: Maybe<ChargeTiming>;
  /** The provider charges as soon as it accepts the request: a job for this product consumes its credits when it is created (COMPLETED at once) instead of holding them. */
  chargedOnAcceptance: Scalars['Boolean']['output'];
  /** The model used when a request names none. */
  defaultModel?: Maybe<Model>;
  /** What the operation does. */
  description: Scalars['String']['output'];
  /** Id of the form "<provider id>/<slug>", e.g. "subclip/text-to-speech". */
  id: Scalars['ID']['output'];
  /** The least an estimate costs (per generation). Null: no minimum. */
  minimumCredits?: Maybe<Scalars['Decimal']['output']>;
  /** True when an estimate must name one of models in EstimateInput.modelId (the provider's API requires it); such a product has no defaultModel. */
  modelRequired: Scalars['Boolean']['output'];
  /** Models the product can be priced with (EstimateInput.modelId). Empty when none. */
  models: Array<Model>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** The provider's API operation, e.g. "POST /video/translate_video". */
  operation: Scalars['String']['output'];
  /** The inputs of the price, in form order. */
  parameters: Array<ProductParameter>;
  /** The price formula, one component per possible line item. */
  priceComponents: Array<PriceComponent>;
  /** The provider selling the operation. */
  provider: Provider;
  /** How the cost per generation is rounded. */
  rounding: RoundingMode;
  /** DOCUMENTED when every rate in the formula is documented; ASSUMED when any is assumed. */
  source: PriceSource;
  /** The pricing document this product's formula comes from. */
  sourceDocument: Scalars['String']['output'];
};

/** One input of a product's price: enough to render a calculator form field. */
export type ProductParameter = {
  __typename?: 'ProductParameter';
  /** The only values accepted (or snapped to, see snapsToAllowedValue). Null when any value of the type is accepted. */
  allowedValues?: Maybe<Array<Scalars['JSON']['output']>>;
  /** Of allowedValues, those the provider's document does not name: accepted, priced by assumption. Empty when none. */
  assumedValues: Array<Scalars['JSON']['output']>;
  /** Why these bounds, or where the document gives them. */
  boundsNote?: Maybe<Scalars['String']['output']>;
  /** Where minimum, maximum and the item bounds come from: DOCUMENTED by the provider, or ASSUMED by us (see boundsNote). Null when the parameter has no bounds. */
  boundsSource?: Maybe<PriceSource>;
  /** Value used when the parameter is omitted. Null when there is none. */
  defaultValue?: Maybe<Scalars['JSON']['output']>;
  /** What the parameter means, for a form's help text. */
  description: Scalars['String']['output'];
  /** Most items a list accepts. */
  maxItems?: Maybe<Scalars['Int']['output']>;
  /** Largest accepted number (for lists: per item). */
  maximum?: Maybe<Scalars['Decimal']['output']>;
  /** Fewest items a list accepts (1 unless stated); null for other types. */
  minItems?: Maybe<Scalars['Int']['output']>;
  /** Smallest accepted number (for lists: per item). */
  minimum?: Maybe<Scalars['Decimal']['output']>;
  /** Name to send in ParameterInput.name, camelCase. */
  name: Scalars['String']['output'];
  /** Whether an estimate must include this parameter. */
  required: Scalars['Boolean']['output'];
  /** True when a number outside allowedValues is snapped to the nearest allowed one (a tie goes up) and reported in Estimate.normalized, instead of being rejected. */
  snapsToAllowedValue: Scalars['Boolean']['output'];
  /** The JSON type the value must have. */
  type: ParameterType;
  /** Unit of a numeric value, e.g. "second" or "image". */
  unit?: Maybe<Scalars['String']['output']>;
};

/** A vendor whose priced API operations, models, credit packs and plans are in the catalog. */
export type Provider = Node & {
  __typename?: 'Provider';
  /** Credit packs for sale, smallest first. */
  creditPacks: Array<CreditPack>;
  /** What one credit costs in money, when the provider states it (U-Gen: $0.01). Null when unknown. */
  creditValue?: Maybe<Money>;
  /** Whether creditValue is documented or assumed. */
  creditValueSource?: Maybe<PriceSource>;
  /** How this provider charges, in a sentence. */
  description: Scalars['String']['output'];
  /** Short id, e.g. "ugen". */
  id: Scalars['ID']['output'];
  /** The provider's models. */
  models: Array<Model>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** The provider's priced API operations. */
  products: Array<Product>;
  /** The pricing document (in shared/docs) this provider's prices come from. */
  sourceDocument: Scalars['String']['output'];
  /** Subscription plans. */
  subscriptionPlans: Array<SubscriptionPlan>;
};

export type Query = {
  __typename?: 'Query';
  /** Any account by id (admin key only); null when unknown. */
  account?: Maybe<Account>;
  /** The version of the catalog this server serves: the fingerprint of the seed it was built from. Every node of one deployment serves its own copy; they agree when they run the same release. Jobs record the version they were priced with. */
  catalogVersion: Scalars['String']['output'];
  /** Credit packs for sale, of one provider or of all. */
  creditPacks: Array<CreditPack>;
  /** Prices any catalog product for the given parameters, itemized. Needs no API key and spends nothing. */
  estimate: Estimate;
  /** Prices a U-Gen video job from its estimate body, by cost component. Needs no API key. */
  jobEstimate: JobEstimate;
  /** A model by id ("<provider id>/models/<slug>"); null when unknown. */
  model?: Maybe<Model>;
  /** Fetches any object by its id; null when nothing has that id. */
  node?: Maybe<Node>;
  /** A product by id ("<provider id>/<slug>"); null when unknown. */
  product?: Maybe<Product>;
  /** A provider by id ("samsar", "ugen", …); null when unknown. */
  provider?: Maybe<Provider>;
  /** Every provider in the catalog, in display order. */
  providers: Array<Provider>;
  /** Subscription plans, of one provider or of all. */
  subscriptionPlans: Array<SubscriptionPlan>;
  /** The test clocks not deleted, oldest first (admin key only). */
  testClocks: Array<TestClock>;
  /** Payments the provider confirmed whose credits could not be added, newest first (admin key only). */
  unappliedPayments?: Maybe<UnappliedPaymentConnection>;
  /** The account of the API key sent with the request. UNAUTHENTICATED without a valid key. */
  viewer?: Maybe<Account>;
};


export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCreditPacksArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryEstimateArgs = {
  input: EstimateInput;
};


export type QueryJobEstimateArgs = {
  input: JobEstimateInput;
};


export type QueryModelArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProviderArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySubscriptionPlansArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryUnappliedPaymentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  open?: InputMaybe<Scalars['Boolean']['input']>;
};

/** How a price component finds its credits per unit. */
export type RateKind =
  /** Credits per unit picked by a parameter's value (rateTiers). */
  | 'BY_PARAMETER'
  /** A fixed number of credits per unit (unitCredits). */
  | 'FLAT'
  /** A percentage of other components' credits per unit (percent, percentOf). */
  | 'PERCENT_OF'
  /** The credits of the model variant the request selects. */
  | 'VARIANT';

/** A rate chosen by a parameter's value, e.g. resolution 2k -> 50 credits. */
export type RateTier = {
  __typename?: 'RateTier';
  /** Credits per unit at that value. */
  credits: Scalars['Decimal']['output'];
  /** The parameter value. */
  value: Scalars['String']['output'];
};

/** How a product's cost is rounded before it is charged. */
export type RoundingMode =
  /** Exact, fractional credits are kept (e.g. 0.25). */
  | 'NONE'
  /** Rounded up to the next whole credit. */
  | 'UP';

export type Subscription = {
  __typename?: 'Subscription';
  /** Every event of the account as it commits, in sequence order, over WebSocket (graphql-ws on /graphql). */
  eventReceived: Event;
  /** Each job event of the account (reserved, completed, failed, cancelled, expired), over WebSocket (graphql-ws on /graphql). */
  jobChanged: JobChange;
  /** A wallet's figures after each change to them (a job reserved or resolved, credits added or expired, a purchase), over WebSocket (graphql-ws on /graphql, connectionParams.apiKey). Only events from when the subscription starts. */
  walletChanged: WalletChange;
};


export type SubscriptionEventReceivedArgs = {
  types?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type SubscriptionJobChangedArgs = {
  jobId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionWalletChangedArgs = {
  provider?: InputMaybe<Scalars['ID']['input']>;
};

/** Cancel a subscription at the end of its current period. */
export type SubscriptionCancelInput = {
  /** The subscription. */
  subscriptionId: Scalars['ID']['input'];
};

/** Result of subscriptionCancel. */
export type SubscriptionCancelPayload = {
  __typename?: 'SubscriptionCancelPayload';
  /** The subscription. */
  subscription?: Maybe<PlanSubscription>;
  /** Why nothing was done; empty on success. CONTACT_SALES for plans arranged with sales. */
  userErrors: Array<UserError>;
};

/** subscription.cancelled: renewal stops at the period's end (or, past due, at once). */
export type SubscriptionCancelled = {
  __typename?: 'SubscriptionCancelled';
  /** When it ends. */
  endsAt: Scalars['DateTime']['output'];
  /** The subscription, as it is now. */
  subscription: PlanSubscription;
};

/** Subscribe to a plan. */
export type SubscriptionCreateInput = {
  /** The plan, e.g. "creatify/plans/api-starter". */
  planId: Scalars['ID']['input'];
};

/** Result of subscriptionCreate. */
export type SubscriptionCreatePayload = {
  __typename?: 'SubscriptionCreatePayload';
  /** The subscription. */
  subscription?: Maybe<PlanSubscription>;
  /** Why nothing was done; empty on success. CONTACT_SALES for plans arranged with sales. */
  userErrors: Array<UserError>;
};

/** subscription.payment_failed: a period's payment failed (the subscription is past due, or unpaid after its last retry). */
export type SubscriptionPaymentFailed = {
  __typename?: 'SubscriptionPaymentFailed';
  /** The period's start. */
  periodStart: Scalars['DateTime']['output'];
  /** Why it failed. */
  reason: Scalars['String']['output'];
  /** The subscription, as it is now. */
  subscription: PlanSubscription;
};

/** A recurring plan that grants credits each period. */
export type SubscriptionPlan = Node & {
  __typename?: 'SubscriptionPlan';
  /** True when the plan cannot be bought here: contact the provider's sales team. */
  contactSales: Scalars['Boolean']['output'];
  /** Whether a period's credits expire when the period ends (false: they never expire). */
  creditsExpireAtPeriodEnd: Scalars['Boolean']['output'];
  /** Where the expiry rule comes from, when there is one. */
  creditsExpiry?: Maybe<CreditExpiry>;
  /** Who the plan is for. */
  description: Scalars['String']['output'];
  /** Id of the form "<provider id>/plans/<slug>", e.g. "creatify/plans/api-pro". */
  id: Scalars['ID']['output'];
  /** How often the price is charged; null when arranged with sales. */
  interval?: Maybe<PlanInterval>;
  /** Credits granted each month; null when arranged with sales. */
  monthlyCredits?: Maybe<Scalars['Decimal']['output']>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Price per interval; null when arranged with sales. */
  price?: Maybe<Money>;
  /** The provider offering the plan. */
  provider: Provider;
  /** Whether the plan's figures are documented or assumed. */
  source: PriceSource;
  /** The pricing document the plan comes from. */
  sourceDocument: Scalars['String']['output'];
};

/** subscription.renewed: a period was paid and its credits granted. */
export type SubscriptionRenewed = {
  __typename?: 'SubscriptionRenewed';
  /** The period's start. */
  periodStart: Scalars['DateTime']['output'];
  /** The subscription, as it is now. */
  subscription: PlanSubscription;
  /** The period's PURCHASE entry. */
  transaction: Transaction;
};

/** Whether a subscription still grants credits. */
export type SubscriptionStatus =
  /** Paid: each period is charged at its start and its credits granted once the payment is confirmed. */
  | 'ACTIVE'
  /** Cancelled and past its last period. */
  | 'ENDED'
  /** The current period's payment failed (see lastPaymentError): no credits for it yet. It is retried at nextPaymentAttemptAt, and at once when a new default payment method is attached. */
  | 'PAST_DUE'
  /** Its first payment is being processed; the credits follow the payment. */
  | 'PENDING'
  /** Every retry of a period's payment failed: the subscription ended without that period's credits. Subscribe again to restart. */
  | 'UNPAID';

/** A clock of its own for TEST accounts made on it (accountCreate with testClockId): their grant expiry, job expiry, checkout expiry, subscription renewals, dunning retries and auto top-up retries follow its frozenTime, on every node. It moves only forward, with testClockAdvance. */
export type TestClock = Node & {
  __typename?: 'TestClock';
  /** When it was made (server time). */
  createdAt: Scalars['DateTime']['output'];
  /** When it was deleted (server time). */
  deletedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The clock's time: its accounts' now. */
  frozenTime: Scalars['DateTime']['output'];
  /** Test clock id, e.g. "clock_…". */
  id: Scalars['ID']['output'];
  /** Its name. */
  name: Scalars['String']['output'];
  /** READY, ADVANCING or DELETED. */
  status: TestClockStatus;
};

/** Move a test clock forward: to frozenTime, or by days and seconds (which add up); by more than 0 and at most 366 days. */
export type TestClockAdvanceInput = {
  /** Days (of 24 hours) to move it by. */
  days?: InputMaybe<Scalars['Int']['input']>;
  /** The time to move it to (later than its frozenTime). */
  frozenTime?: InputMaybe<Scalars['DateTime']['input']>;
  /** Seconds to move it by. */
  seconds?: InputMaybe<Scalars['Int']['input']>;
  /** The clock. */
  testClockId: Scalars['ID']['input'];
};

/** Result of testClockAdvance: the clock, and what fell due for its accounts on the way. */
export type TestClockAdvancePayload = {
  __typename?: 'TestClockAdvancePayload';
  /** Credit grants that expired. */
  expiredGrants?: Maybe<Scalars['Int']['output']>;
  /** Job reservations that timed out. */
  expiredJobs?: Maybe<Scalars['Int']['output']>;
  /** Subscription periods that began (and were charged). */
  renewedPeriods?: Maybe<Scalars['Int']['output']>;
  /** The clock after the change; null when userErrors is not empty. */
  testClock?: Maybe<TestClock>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** A new test clock. */
export type TestClockCreateInput = {
  /** Its starting time, from 2000-01-01 to before 2100 (default: the server's time now). */
  frozenTime?: InputMaybe<Scalars['DateTime']['input']>;
  /** Its name (up to 500 characters). */
  name: Scalars['String']['input'];
};

/** Delete a test clock: it never moves again, and the API keys of its accounts are revoked. */
export type TestClockDeleteInput = {
  /** The clock. */
  testClockId: Scalars['ID']['input'];
};

/** Result of testClockCreate and testClockDelete. */
export type TestClockPayload = {
  __typename?: 'TestClockPayload';
  /** The clock after the change; null when userErrors is not empty. */
  testClock?: Maybe<TestClock>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Where a test clock stands. */
export type TestClockStatus =
  /** An advance is running what falls due for its accounts. */
  | 'ADVANCING'
  /** Deleted: it never moves again, and its accounts' keys are revoked. */
  | 'DELETED'
  /** At rest: it may be advanced. */
  | 'READY';

/** An entry of a wallet's credit ledger. Entries are never changed or removed: corrections are new entries. balanceAfter = balanceBefore + amount, and each entry's balanceBefore is the previous one's balanceAfter in the same wallet. */
export type Transaction = Node & {
  __typename?: 'Transaction';
  /** Signed effect on the wallet's available credits: negative for RESERVE, CONSUME, EXPIRE, CLAWBACK and REPAY. */
  amount: Scalars['Decimal']['output'];
  /** The wallet's available credits after this entry. */
  balanceAfter: Scalars['Decimal']['output'];
  /** The wallet's available credits before this entry. */
  balanceBefore: Scalars['Decimal']['output'];
  /** When the entry was written. */
  createdAt: Scalars['DateTime']['output'];
  /** What the entry is for. */
  description: Scalars['String']['output'];
  /** The grants the entry took credits from or gave them to, and how many of each. */
  grants: Array<TransactionGrant>;
  /** Transaction id, e.g. "txn_…". */
  id: Scalars['ID']['output'];
  /** The idempotency key of the request that wrote it, if one was sent. */
  idempotencyKey?: Maybe<Scalars['String']['output']>;
  /** The job the entry belongs to, if any. */
  job?: Maybe<Job>;
  /** The wallet (provider) whose credits the entry moved. */
  provider: Provider;
  /** For a REFUND: the CONSUME entry it gives credits back for. */
  refundOf?: Maybe<Transaction>;
  /** Position in the wallet's ledger: 1, 2, 3 … without gaps. */
  sequence: Scalars['Int']['output'];
  /** What the entry records. */
  type: TransactionType;
};

/** A page of ledger entries, newest first. */
export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  /** The entries with their cursors. */
  edges: Array<TransactionEdge>;
  /** The entries alone. */
  nodes: Array<Transaction>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** A transaction and its cursor. */
export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  /** Pass as `after` to continue after this transaction. */
  cursor: Scalars['String']['output'];
  /** The transaction. */
  node: Transaction;
};

/** How many credits of a grant a ledger entry moved. */
export type TransactionGrant = {
  __typename?: 'TransactionGrant';
  /** Credits of it the entry took, held, released or gave back. */
  credits: Scalars['Decimal']['output'];
  /** The grant. */
  grant: CreditGrant;
};

/** Give back credits a CONSUME transaction took (admin only). */
export type TransactionRefundInput = {
  /** Credits to give back; default: all not yet refunded. Never more than was consumed. */
  credits?: InputMaybe<Scalars['Decimal']['input']>;
  /** Makes a retried refund return the first result instead of refunding twice. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Why, recorded on the ledger entry. */
  reason: Scalars['String']['input'];
  /** The CONSUME transaction. */
  transactionId: Scalars['ID']['input'];
};

/** Result of transactionRefund. */
export type TransactionRefundPayload = {
  __typename?: 'TransactionRefundPayload';
  /** The account after the change. */
  account?: Maybe<Account>;
  /** The BONUS or REFUND entry. */
  transaction?: Maybe<Transaction>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** What a ledger entry records. */
export type TransactionType =
  /** Credits granted by an operator (or a new account's first credits). Positive. */
  | 'BONUS'
  /** Credits of a purchase the payment provider refunded or the buyer disputed, taken back. Negative. */
  | 'CLAWBACK'
  /** Credits a completed job used. Negative. */
  | 'CONSUME'
  /** Credits of a grant whose expiry passed (or released to it after that). Negative. */
  | 'EXPIRE'
  /** Credits moved from the legacy wallet to their provider's when wallets were introduced (see the README). Either sign. */
  | 'MIGRATION'
  /** Credits paid for (a credit pack or a subscription period). Positive. */
  | 'PURCHASE'
  /** Consumed credits given back by an operator. Positive. */
  | 'REFUND'
  /** Credits a grant spent repaying another grant's debt, back to it once the credits whose use made that debt were given back (a refund, a release). Positive. */
  | 'REIMBURSE'
  /** A job's hold given back (on completion, failure, cancellation or expiry). Positive. */
  | 'RELEASE'
  /** Credits owed after a clawback, repaid from credits added or returned later; or credits returned to a grant going on to the grant that repaid its debt (a REIMBURSE follows). Negative. */
  | 'REPAY'
  /** Credits held for a job that is running. Negative. */
  | 'RESERVE';

/** A payment the provider confirmed whose credits could not be added (e.g. the balance limit), kept for an operator. */
export type UnappliedPayment = Node & {
  __typename?: 'UnappliedPayment';
  /** The account that paid. */
  account?: Maybe<Account>;
  /** What the buyer paid. */
  amount: Money;
  /** The checkout session that was paid. */
  checkoutSession?: Maybe<CheckoutSession>;
  /** When the payment was confirmed. */
  createdAt: Scalars['DateTime']['output'];
  /** The credits the payment was for. */
  credits: Scalars['Decimal']['output'];
  /** Id, e.g. "upa_…". */
  id: Scalars['ID']['output'];
  /** The operator's note. */
  note?: Maybe<Scalars['String']['output']>;
  /** "sandbox" or "stripe". */
  provider: Scalars['String']['output'];
  /** Why the credits could not be added. */
  reason: Scalars['String']['output'];
  /** How it was resolved; null while open. */
  resolution?: Maybe<UnappliedPaymentResolution>;
  /** When it was resolved. */
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** What to do with a payment that could not be credited. */
export type UnappliedPaymentAction =
  /** Add its credits now (fails again if they still do not fit). */
  | 'APPLY'
  /** Close it without credits (refund the buyer at the provider first). */
  | 'DISMISS';

/** A page of unapplied payments, newest first. */
export type UnappliedPaymentConnection = {
  __typename?: 'UnappliedPaymentConnection';
  /** The payments with their cursors. */
  edges: Array<UnappliedPaymentEdge>;
  /** The payments alone. */
  nodes: Array<UnappliedPayment>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** An unapplied payment and its cursor. */
export type UnappliedPaymentEdge = {
  __typename?: 'UnappliedPaymentEdge';
  /** Pass as `after` to continue after this payment. */
  cursor: Scalars['String']['output'];
  /** The payment. */
  node: UnappliedPayment;
};

/** How an operator resolved a payment that could not be credited. */
export type UnappliedPaymentResolution =
  /** Its credits were added later. */
  | 'APPLIED'
  /** Closed without credits, e.g. after refunding the buyer at the provider. */
  | 'DISMISSED';

/** Resolve a payment that could not be credited. */
export type UnappliedPaymentResolveInput = {
  /** Apply its credits now, or dismiss it. */
  action: UnappliedPaymentAction;
  /** Why, for the record (up to 500 characters). */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The unapplied payment. */
  unappliedPaymentId: Scalars['ID']['input'];
};

/** Result of unappliedPaymentResolve. */
export type UnappliedPaymentResolvePayload = {
  __typename?: 'UnappliedPaymentResolvePayload';
  /** The payment, resolved. */
  unappliedPayment?: Maybe<UnappliedPayment>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

/** Why a mutation did not do what was asked; nothing was changed. */
export type UserError = {
  __typename?: 'UserError';
  /** Stable code to branch on. */
  code: UserErrorCode;
  /** Path of the input at fault, from the argument: ["input", "credits"], ["input", "estimate", "parameters", "durationSeconds"]; null when no single input is. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
};

/** Why a mutation refused: stable codes to branch on. */
export type UserErrorCode =
  /** An input is invalid; `field` names it (the path from the argument). */
  | 'BAD_USER_INPUT'
  /** The plan is arranged with the provider's sales team, not bought here. */
  | 'CONTACT_SALES'
  /** The key may not do this (e.g. an account key on an admin mutation). */
  | 'FORBIDDEN'
  /** The idempotency key was already used for a different request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The wallet's available credits do not cover the job. */
  | 'INSUFFICIENT_CREDITS'
  /** The job was already completed, failed, cancelled or expired. */
  | 'JOB_ALREADY_RESOLVED'
  /** Nothing with that id, or it belongs to another account; over HTTP, an unknown path. */
  | 'NOT_FOUND'
  /** The payment method was declined; nothing was charged. */
  | 'PAYMENT_DECLINED'
  /** The payment provider refused or failed the request; nothing was charged. */
  | 'PAYMENT_PROVIDER_ERROR'
  /** The account's mode has no provider for this payment: a LIVE account pays only through a real provider (none configured, or PayPal), a TEST account only through the sandbox. */
  | 'PAYMENT_PROVIDER_UNAVAILABLE'
  /** No valid API key was sent (missing, malformed, unknown, revoked or expired). */
  | 'UNAUTHENTICATED';

/** A priced configuration of a model: mode, resolution, duration. */
export type Variant = Node & {
  __typename?: 'Variant';
  /** Whether credits are per generation or per second. */
  billingUnit: BillingUnit;
  /** Credits per billing unit, before the model's multiplier. */
  credits: Scalars['Decimal']['output'];
  /** Clip length in seconds, for variants priced per duration. */
  durationSeconds?: Maybe<Scalars['Int']['output']>;
  /** Id of the form "<model id>/<slug>". */
  id: Scalars['ID']['output'];
  /** The model this is a variant of. */
  model: Model;
  /** Name of the mode, e.g. "i2v"; requests select variants by it. */
  name: Scalars['String']['output'];
  /** Why a value was assumed. */
  note?: Maybe<Scalars['String']['output']>;
  /** credits in money, when the provider's credit value is known. */
  price?: Maybe<Money>;
  /** Resolution tier, e.g. "1080p" or "standard". */
  resolution?: Maybe<Scalars['String']['output']>;
  /** Whether credits is documented or assumed. */
  source: PriceSource;
  /** The pricing document the variant comes from. */
  sourceDocument: Scalars['String']['output'];
  /** What the provider pays its upstream supplier per billing unit, when known. */
  upstreamCost?: Maybe<Money>;
};

/** An account's credits of one provider: each provider's credits are their own currency. */
export type Wallet = Node & {
  __typename?: 'Wallet';
  /** Credits that can be spent now: balance - reserved. */
  available: Scalars['Decimal']['output'];
  /** What the available credits cost this account: its grants' cost basis (a pack's price per credit; promotional credits 0). Null when a grant's cost is unknown (e.g. credits from before grants) or nothing is available. */
  availableCostBasis?: Maybe<Money>;
  /** The available credits at the provider's documented credit value (Provider.creditValue; U-Gen: $0.01 a credit); null when the provider documents none. Compare availableCostBasis. */
  availableValue?: Maybe<Money>;
  /** Credits owned (the grants' remaining credits), including those held by running jobs. */
  balance: Scalars['Decimal']['output'];
  /** The credit grants behind the balance, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range). */
  grants?: Maybe<CreditGrantConnection>;
  /** Wallet id, e.g. "wallet_3f9c…_ugen": the account and the provider; `node(id:)` fetches it (for its own account only), and normalized client caches key on it. */
  id: Scalars['ID']['output'];
  /** Credits spent from purchases that were refunded or disputed later; repaid first from the next credits added. */
  owed: Scalars['Decimal']['output'];
  /** Whose credits these are. */
  provider: Provider;
  /** Credits held by running jobs. */
  reserved: Scalars['Decimal']['output'];
};


/** An account's credits of one provider: each provider's credits are their own currency. */
export type WalletGrantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<CreditGrantStatus>;
};

/** A wallet's figures after an event that changed them. */
export type WalletChange = {
  __typename?: 'WalletChange';
  /** Credits that can be spent after the change (balance - reserved). */
  available: Scalars['Decimal']['output'];
  /** Credits owned after the change, including those held by running jobs. */
  balance: Scalars['Decimal']['output'];
  /** The event that changed the wallet (its id, type and sequence number). */
  event: Event;
  /** Credits spent from purchases that were refunded or disputed later, after the change; repaid first from the next credits added. */
  owed: Scalars['Decimal']['output'];
  /** Whose credits the wallet holds (Provider.id). */
  provider: Scalars['ID']['output'];
  /** Credits held by running jobs after the change. */
  reserved: Scalars['Decimal']['output'];
  /** The wallet, with its figures after this change: a normalized client cache (Apollo Client's, keyed on Wallet.id) updates the wallet it holds from each push. */
  wallet: Wallet;
};

/** wallet.credits_added: credits came in (a purchase, a grant, a refund). */
export type WalletCreditsAdded = {
  __typename?: 'WalletCreditsAdded';
  /** Credits added. */
  credits: Scalars['Decimal']['output'];
  /** The grant made for them; null for a refund (its credits went back to the grants they came from). */
  grant?: Maybe<CreditGrant>;
  /** For a REFUND: the CONSUME entry it gives credits back for. */
  refundOf?: Maybe<Transaction>;
  /** The ledger entry. */
  transaction: Transaction;
  /** PURCHASE, BONUS, MIGRATION or REFUND. */
  type: TransactionType;
  /** The wallet, as it is now. */
  wallet: Wallet;
};

/** wallet.credits_expired: credits of grants whose time ran out left the wallet. */
export type WalletCreditsExpired = {
  __typename?: 'WalletCreditsExpired';
  /** Credits that left (negative). */
  credits: Scalars['Decimal']['output'];
  /** The grants they left. */
  grants: Array<CreditGrant>;
  /** The EXPIRE entries. */
  transactions: Array<Transaction>;
  /** The wallet, as it is now. */
  wallet: Wallet;
};

/** wallet.low_balance: available credits fell below a credit alert's threshold. */
export type WalletLowBalance = {
  __typename?: 'WalletLowBalance';
  /** Where the alert's email went. */
  email: Scalars['String']['output'];
  /** The alert's threshold. */
  thresholdCredits: Scalars['Decimal']['output'];
  /** The wallet, as it is now. */
  wallet: Wallet;
};

/** One attempt to deliver an event to an endpoint. */
export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  /** When it was made. */
  attemptedAt: Scalars['DateTime']['output'];
  /** Why it failed: the HTTP status, a timeout, a refused address, a connection error. */
  error?: Maybe<Scalars['String']['output']>;
  /** The event sent (also its webhook-id header). */
  eventId: Scalars['ID']['output'];
  /** Attempt id. */
  id: Scalars['ID']['output'];
  /** Milliseconds from sending to the answer (or to giving up). */
  latencyMs: Scalars['Int']['output'];
  /** The first 500 characters of the answer's body, at most. */
  responseExcerpt?: Maybe<Scalars['String']['output']>;
  /** The HTTP status answered; null when there was no answer. */
  responseStatus?: Maybe<Scalars['Int']['output']>;
  /** SUCCEEDED: a 2xx within the timeout. */
  status: WebhookAttemptStatus;
  /** Whether it succeeded. */
  succeeded: Scalars['Boolean']['output'];
};

/** A page of attempts, newest first. */
export type WebhookAttemptConnection = {
  __typename?: 'WebhookAttemptConnection';
  /** The attempts with their cursors. */
  edges: Array<WebhookAttemptEdge>;
  /** The attempts alone. */
  nodes: Array<WebhookAttempt>;
  /** Whether more pages follow. */
  pageInfo: PageInfo;
};

/** An attempt and its cursor. */
export type WebhookAttemptEdge = {
  __typename?: 'WebhookAttemptEdge';
  /** Pass as `after` to continue after this attempt. */
  cursor: Scalars['String']['output'];
  /** The attempt. */
  node: WebhookAttempt;
};

/** How one attempt went. */
export type WebhookAttemptStatus =
  | 'FAILED'
  | 'SUCCEEDED';

/** The delivery of one event to one endpoint. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  /** Attempts made since it was (re)queued. */
  attempts: Scalars['Int']['output'];
  /** When it was delivered. */
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The event. */
  eventId: Scalars['ID']['output'];
  /** Delivery id. */
  id: Scalars['ID']['output'];
  /** When it is (or was last) due. */
  nextAttemptAt: Scalars['DateTime']['output'];
  /** Where it stands. */
  status: WebhookDeliveryStatus;
};

/** Where the delivery of one event to one endpoint stands. */
export type WebhookDeliveryStatus =
  /** The endpoint answered 2xx. */
  | 'DELIVERED'
  /** Every attempt for 3 days failed; webhookEventResend queues it again. */
  | 'FAILED'
  /** Not yet answered with a 2xx: sent soon, or retried with backoff. */
  | 'PENDING';

/** Where the account's events are pushed, signed per Standard Webhooks. */
export type WebhookEndpoint = {
  __typename?: 'WebhookEndpoint';
  /** Delivery attempts to this endpoint, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range). */
  attempts?: Maybe<WebhookAttemptConnection>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The account's note. */
  description?: Maybe<Scalars['String']['output']>;
  /** Why it was disabled automatically; null otherwise. */
  disabledReason?: Maybe<Scalars['String']['output']>;
  /** Whether new events are delivered (false after 3 days of failures: see disabledReason). */
  enabled: Scalars['Boolean']['output'];
  /** The event types delivered; null: every type. */
  eventTypes?: Maybe<Array<Scalars['String']['output']>>;
  /** Since when every attempt failed; null while deliveries succeed. */
  failingSince?: Maybe<Scalars['DateTime']['output']>;
  /** Endpoint id, e.g. "we_…". */
  id: Scalars['ID']['output'];
  /** After webhookEndpointSecretRotate: until when the previous secret signs deliveries too; null when only the current one does. */
  previousSecretExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it was last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Where events are POSTed. */
  url: Scalars['String']['output'];
};


/** Where the account's events are pushed, signed per Standard Webhooks. */
export type WebhookEndpointAttemptsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  eventId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A new webhook endpoint. */
export type WebhookEndpointCreateInput = {
  /** A note, up to 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Deliver at once (default true). */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Event types to deliver (see viewer.events); null or empty: every type. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** https URL (http too outside production); loopback and private addresses are refused unless WEBHOOK_ALLOW_PRIVATE_URLS. */
  url: Scalars['String']['input'];
};

/** Result of webhookEndpointCreate. */
export type WebhookEndpointCreatePayload = {
  __typename?: 'WebhookEndpointCreatePayload';
  /** Its signing secret ("whsec_…"), shown this once: verify deliveries with it. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
  /** The endpoint. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
};

/** An endpoint of the account. */
export type WebhookEndpointDeleteInput = {
  /** The endpoint. */
  id: Scalars['ID']['input'];
};

/** Result of webhookEndpointDelete. */
export type WebhookEndpointDeletePayload = {
  __typename?: 'WebhookEndpointDeletePayload';
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
  /** The endpoint as it was; its deliveries and attempts are gone. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
};

/** A new signing secret for an endpoint. */
export type WebhookEndpointSecretRotateInput = {
  /** The endpoint. */
  id: Scalars['ID']['input'];
  /** How long the old secret signs deliveries too, in hours: 0 to 168 (default 24; 0: it stops at once). */
  previousSecretExpiresInHours?: InputMaybe<Scalars['Int']['input']>;
};

/** Result of webhookEndpointSecretRotate. */
export type WebhookEndpointSecretRotatePayload = {
  __typename?: 'WebhookEndpointSecretRotatePayload';
  /** The new signing secret ("whsec_…"), shown this once. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
  /** The endpoint, with previousSecretExpiresAt. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
};

/** Changes to an endpoint; fields left out stay as they are. */
export type WebhookEndpointUpdateInput = {
  /** A note; null clears it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** true enables it again (pending deliveries are sent at once); false stops deliveries. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Event types to deliver; null or empty: every type. */
  eventTypes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The endpoint. */
  id: Scalars['ID']['input'];
  /** A new URL (the same rules as on create). */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** Result of webhookEndpointUpdate. */
export type WebhookEndpointUpdatePayload = {
  __typename?: 'WebhookEndpointUpdatePayload';
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
  /** The endpoint as it now is. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
};

/** Deliver one event to one endpoint again. */
export type WebhookEventResendInput = {
  /** The endpoint (enabled). */
  endpointId: Scalars['ID']['input'];
  /** The account's event. */
  eventId: Scalars['ID']['input'];
};

/** Result of webhookEventResend. */
export type WebhookEventResendPayload = {
  __typename?: 'WebhookEventResendPayload';
  /** The delivery, queued (PENDING) and due now. */
  delivery?: Maybe<WebhookDelivery>;
  /** Why nothing was done; empty on success. */
  userErrors: Array<UserError>;
};

export type CachedWalletQueryVariables = Exact<{ [key: string]: never; }>;


export type CachedWalletQuery = { __typename?: 'Query', viewer?: { __typename?: 'Account', id: string, wallet?: { __typename?: 'Wallet', id: string, balance: string, available: string } | null } | null };

export type WalletPushesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type WalletPushesSubscription = { __typename?: 'Subscription', walletChanged: { __typename?: 'WalletChange', wallet: { __typename?: 'Wallet', id: string, balance: string, available: string }, event: { __typename?: 'Event', type: string } } };

export type StartJobMutationVariables = Exact<{
  credits: Scalars['Decimal']['input'];
}>;


export type StartJobMutation = { __typename?: 'Mutation', jobCreate: { __typename?: 'JobCreatePayload', job?: { __typename?: 'Job', id: string, status: JobStatus } | null, userErrors: Array<{ __typename?: 'UserError', code: UserErrorCode }> } };


export const CachedWalletDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CachedWallet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"wallet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"provider"},"value":{"kind":"StringValue","value":"ugen","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"balance"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}}]}}]}}]} as unknown as DocumentNode<CachedWalletQuery, CachedWalletQueryVariables>;
export const WalletPushesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WalletPushes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"walletChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"provider"},"value":{"kind":"StringValue","value":"ugen","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"wallet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"balance"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}},{"kind":"Field","name":{"kind":"Name","value":"event"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}}]}}]}}]}}]} as unknown as DocumentNode<WalletPushesSubscription, WalletPushesSubscriptionVariables>;
export const StartJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"credits"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Decimal"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobCreate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"credits"},"value":{"kind":"Variable","name":{"kind":"Name","value":"credits"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<StartJobMutation, StartJobMutationVariables>;