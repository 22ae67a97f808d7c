/** Which wallet an operation means when its input names no provider. */
import { badInput, DomainError, DomainErrorCode } from "../errors.js";
import type { Repositories } from "../store/repositories/index.js";

/**
 * The named provider, or the account's only wallet's; refused (BAD_USER_INPUT on `field`) when the
 * account holds credits of several providers, or of none, so no figure ever mixes two currencies.
 */
export async function chooseProvider(
  reads: Pick<Repositories, "wallets">,
  accountId: string,
  named: string | null | undefined,
  field: string[],
): Promise<string> {
  if (named != null) return named;
  const wallets = await reads.wallets.ofAccount(accountId);
  if (wallets.length === 1) return wallets[0].providerId;
  const which = wallets.map((wallet) => wallet.providerId).join(", ");
  throw badInput(
    wallets.length === 0
      ? `Name the provider (${field.join(".")}): the account holds no credits yet`
      : `The account holds credits of several providers (${which}): name one with ${field.join(".")}`,
    field,
  );
}

/** Refuses a provider id the catalog does not know. */
export function checkProvider(known: (id: string) => boolean, providerId: string, field: string[]): string {
  if (!known(providerId)) throw new DomainError(DomainErrorCode.NOT_FOUND, `No provider ${providerId}`, field);
  return providerId;
}

/** The wallet's provider an input means: named (and known to the catalog) or the account's only one. */
export async function walletProvider(
  reads: Pick<Repositories, "wallets">,
  known: (id: string) => boolean,
  accountId: string,
  named: string | null | undefined,
  field: string[],
): Promise<string> {
  return checkProvider(known, await chooseProvider(reads, accountId, named, field), field);
}
