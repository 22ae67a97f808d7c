/** Wallets on Account, their grants, and the provider and grants of transactions and jobs. */
import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import { CreditPack, Provider } from "../catalog/types.js";
import { connection, decodeCursor, pageSize } from "../shared/connections.js";
import type { Context } from "../shared/context.js";
import { money } from "../../pricing/money.js";
import { Money } from "../shared/money.js";
import { DecimalScalar } from "../shared/scalars.js";
import { type Decimal, fromMicros } from "../../pricing/decimal.js";
import type { GrantStatus } from "../../store/repositories/index.js";
import type { AccountRecord, JobRecord, TransactionRecord } from "../../accounts/records.js";
import { Account, Job, Transaction } from "./types.js";
import { inSpendingOrder, toWallet, type GrantRecord, type WalletRecord } from "../../accounts/wallet-queries.js";
import { CreditGrant, CreditGrantConnection, CreditGrantStatusEnum, CreditShortfall, TransactionGrant, Wallet } from "./wallet-types.js";
import { badInput } from "../../errors.js";

/** The wallet a figure asked without a provider means: the only one; refused on an account holding several. */
async function oneWallet(context: Context, accountId: string, provider: string | null): Promise<WalletRecord> {
  const wallets = await context.loaders.accounts.wallets.load(accountId);
  if (provider != null) return wallets.find((w) => w.providerId === provider) ?? toWallet(undefined, accountId, provider);
  if (wallets.length <= 1) return wallets[0] ?? toWallet(undefined, accountId, "");
  const names = wallets.map((w) => w.providerId).join(", ");
  throw badInput(`The account holds credits of several providers (${names}); name one with the provider argument, or read wallets`, ["provider"]);
}

const DEPRECATED = "Each provider's credits are their own currency: read wallet(provider: …) { balance reserved available }, or wallets.";

const providerArg = { nullable: true, description: "Whose credits; may be left out when the account holds one provider's credits only." };

@Resolver(() => Account)
export class AccountWalletResolver {
  @FieldResolver(() => [Wallet], { description: "The account's credits, one wallet per provider it holds credits of." })
  wallets(@Root() root: AccountRecord, @Ctx() context: Context) {
    return context.loaders.accounts.wallets.load(root.id);
  }

  @FieldResolver(() => Wallet, { nullable: true, description: "The account's wallet of a provider; null when it never held that provider's credits." })
  async wallet(@Root() root: AccountRecord, @Arg("provider", () => ID) provider: string, @Ctx() context: Context) {
    return (await context.loaders.accounts.wallets.load(root.id)).find((w) => w.providerId === provider) ?? null;
  }

  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    deprecationReason: DEPRECATED,
    description:
      "Credits owned, including those held by running jobs, of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.",
  })
  async balance(@Root() root: AccountRecord, @Arg("provider", () => ID, providerArg) provider: string | null, @Ctx() context: Context) {
    return (await oneWallet(context, root.id, provider)).balance;
  }

  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    deprecationReason: DEPRECATED,
    description:
      "Credits held by running jobs (status RESERVED), of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.",
  })
  async reserved(@Root() root: AccountRecord, @Arg("provider", () => ID, providerArg) provider: string | null, @Ctx() context: Context) {
    return (await oneWallet(context, root.id, provider)).reserved;
  }

  @FieldResolver(() => DecimalScalar, {
    nullable: true,
    deprecationReason: DEPRECATED,
    description:
      "Credits that can be spent now (balance - reserved), of one provider. On an account holding several providers' credits and no provider given: null, with an error at this field.",
  })
  async available(@Root() root: AccountRecord, @Arg("provider", () => ID, providerArg) provider: string | null, @Ctx() context: Context) {
    return (await oneWallet(context, root.id, provider)).available;
  }
}

@Resolver(() => Wallet)
export class WalletResolver {
  @FieldResolver(() => Money, {
    nullable: true,
    description:
      "The available credits at the provider's documented credit value (Provider.creditValue; U-Gen: $0.01 a credit); null when the provider documents none. Compare availableCostBasis.",
  })
  async availableValue(@Root() root: WalletRecord, @Ctx() context: Context) {
    const provider = await context.loaders.catalog.provider.load(root.providerId);
    return provider?.creditValue ? money(root.available.mul(provider.creditValue.amount), provider.creditValue.currency) : null;
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description:
      "What the available credits cost this account: its grants' cost basis (a pack's price per credit; promotional credits 0). Null when a grant's cost is unknown (e.g. credits from before grants) or nothing is available.",
  })
  availableCostBasis(@Root() root: WalletRecord, @Ctx() context: Context) {
    return context.services.creditCosts.ofWallet(root.accountId, root.providerId);
  }

  @FieldResolver(() => Provider, { description: "Whose credits these are." })
  provider(@Root() root: WalletRecord, @Ctx() context: Context) {
    return context.loaders.catalog.provider.load(root.providerId);
  }

  @FieldResolver(() => CreditGrantConnection, {
    nullable: true,
    description:
      "The credit grants behind the balance, newest first. Null, with an error at this field alone, when an argument is invalid (a cursor not from this server, first out of range).",
  })
  async grants(
    @Root() root: WalletRecord,
    @Ctx() context: Context,
    @Arg("first", () => Int, { nullable: true, description: "Page size, 0 to 100 (default 20)." }) first: number | null,
    @Arg("after", () => String, { nullable: true, description: "endCursor of the previous page." }) after: string | null,
    @Arg("status", () => CreditGrantStatusEnum, { nullable: true, description: "Only grants in this status." }) status: GrantStatus | null,
  ) {
    const size = pageSize(first);
    const page = await context.services.wallets.grants(root.accountId, root.providerId, { first: size, afterSeq: decodeCursor("grant", after), status });
    return connection("grant", page.items, page.hasNextPage, (grant) => grant.seq);
  }
}

@Resolver(() => CreditGrant)
export class CreditGrantResolver {
  @FieldResolver(() => Provider, { description: "Whose credits the grant holds." })
  provider(@Root() root: { providerId: string }, @Ctx() context: Context) {
    return context.loaders.catalog.provider.load(root.providerId);
  }
}

@Resolver(() => Transaction)
export class TransactionWalletResolver {
  @FieldResolver(() => Provider, { description: "The wallet (provider) whose credits the entry moved." })
  provider(@Root() root: TransactionRecord, @Ctx() context: Context) {
    return context.loaders.catalog.provider.load(root.providerId);
  }

  @FieldResolver(() => [TransactionGrant], { description: "The grants the entry took credits from or gave them to, and how many of each." })
  async grants(@Root() root: TransactionRecord, @Ctx() context: Context) {
    const rows = await context.loaders.accounts.entryGrants.load(root.id);
    const grants = (await context.loaders.accounts.grant.loadMany(rows.map((row) => row.grantId))) as GrantRecord[];
    // In the spending order, which is the order credits were taken in (and refunds given back).
    return rows.map((row, index) => ({ grant: grants[index], credits: fromMicros(row.micros) })).sort((a, b) => inSpendingOrder(a.grant, b.grant));
  }
}

@Resolver(() => Job)
export class JobWalletResolver {
  @FieldResolver(() => Provider, { description: "The provider whose credits the job holds and spends." })
  provider(@Root() root: JobRecord, @Ctx() context: Context) {
    return context.loaders.catalog.provider.load(root.providerId);
  }
}

@Resolver(() => CreditShortfall)
export class CreditShortfallResolver {
  @FieldResolver(() => Provider, { description: "The wallet that is short." })
  provider(@Root() root: { providerId: string }, @Ctx() context: Context) {
    return context.loaders.catalog.provider.load(root.providerId);
  }

  @FieldResolver(() => [CreditPack], { description: "That provider's packs that would cover what is missing, smallest first (empty when none does alone)." })
  async packs(@Root() root: { providerId: string; missingCredits: Decimal }, @Ctx() context: Context) {
    const packs = await context.loaders.catalog.creditPacksByProvider.load(root.providerId);
    return packs.filter((pack) => pack.credits.greaterThanOrEqualTo(root.missingCredits)).sort((a, b) => a.credits.comparedTo(b.credits));
  }
}
