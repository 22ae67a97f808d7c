/**
 * The in-memory model of wallets and grants that test/ledger-properties.test.ts checks the real
 * services against: the README's rules (the spending order, holds, refunds to the grants a
 * consumption came from, expiry, clawbacks of refunded or disputed purchases, debts, their
 * repayment and the give-back of repayments whose debt's credits came back), written plainly and kept apart from the code they check.
 */
export const PROVIDERS = ["ugen", "creatify"] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface Grant {
  id: string;
  provider: Provider;
  seq: number;
  kind: "PAID" | "PROMOTIONAL" | "SUBSCRIPTION";
  priority: number;
  effectiveAt: number;
  expiresAt: number | null;
  amount: number;
  remaining: number;
  held: number;
  closed: null | "EXPIRED" | "CLAWED_BACK";
  /** Credits claimed back so far; used (consumed less refunds, or paying another grant's debt); owed after a clawback. */
  clawed: number;
  used: number;
  owed: number;
  /** What left the grant otherwise: expired, clawed back, repaid of its debt from its own returned credits, given back to the grants that repaid it. */
  expired: number;
  clawedOut: number;
  repaidOwn: number;
  givenBack: number;
  /** Of its debt, what other grants repaid and have not had back: in all, and by each payer. */
  repaidByOthers: number;
  lenders: Array<{ payerId: string; micros: number }>;
}
/** A purchase at the payment provider: its price, what was refunded of it so far, whether it was disputed. */
export interface Purchase {
  sessionId: string;
  grant: Grant;
  price: number;
  refunded: number;
  disputed: boolean;
}
export interface Job {
  id: string;
  provider: Provider;
  status: string;
  reserved: number;
  holds: Array<{ grant: Grant; micros: number }>;
  createdAt: number;
}
export interface Model {
  grants: Grant[];
  jobs: Job[];
  consumes: Array<{ id: string; provider: Provider; parts: Map<string, number> }>;
  /** Idempotency keys used, with what they were used for (`input`: the whole request, where more than credits and provider count). */
  keys: Map<string, { micros: number; provider: Provider; input?: string; result: unknown }>;
  purchases: Purchase[];
}

/** The documented spending order: priority, soonest expiry (never last), promotional first, oldest. */
export const order = (a: Grant, b: Grant) =>
  b.priority - a.priority ||
  (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) ||
  Number(a.kind !== "PROMOTIONAL") - Number(b.kind !== "PROMOTIONAL") ||
  a.seq - b.seq;
export const spendable = (m: Model, p: Provider, now: number) =>
  m.grants
    .filter((g) => g.provider === p && !g.closed && g.effectiveAt <= now && (g.expiresAt === null || g.expiresAt > now) && g.remaining > g.held)
    .sort(order);
export const unheld = (g: Grant) => g.remaining - g.held;

/** Takes `amount` from spendable grants in order; null when they do not cover it. */
export function take(m: Model, p: Provider, amount: number, now: number): Array<{ grant: Grant; micros: number }> | null {
  const list = spendable(m, p, now);
  if (list.reduce((s, g) => s + unheld(g), 0) < amount) return null;
  const parts: Array<{ grant: Grant; micros: number }> = [];
  for (const grant of list) {
    if (amount === 0) break;
    const part = Math.min(amount, unheld(grant));
    parts.push({ grant, micros: part });
    amount -= part;
  }
  return parts;
}
/**
 * Credits back on a grant repay its own debt first, then go back to the grants that repaid the
 * rest of its debt (oldest payer first; each settles them in turn); on a closed grant the rest leaves.
 */
export function settle(m: Model, grants: Grant[]) {
  const queue = [...grants];
  for (let g = queue.shift(); g; g = queue.shift()) {
    const repaid = Math.min(Math.max(unheld(g), 0), g.owed);
    g.remaining -= repaid;
    g.owed -= repaid;
    g.repaidOwn += repaid;
    const payerOf = (lender: { payerId: string }) => m.grants.find((x) => x.id === lender.payerId)!;
    for (const lender of [...g.lenders].sort((a, b) => payerOf(a).seq - payerOf(b).seq)) {
      const back = Math.min(Math.max(unheld(g), 0), lender.micros);
      if (back === 0) continue;
      const payer = payerOf(lender);
      lender.micros -= back;
      g.repaidByOthers -= back;
      g.remaining -= back;
      g.givenBack += back;
      payer.used -= back;
      payer.remaining += back;
      if (!queue.includes(payer)) queue.push(payer);
    }
    if (g.closed && unheld(g) > 0) leave(g, unheld(g));
  }
}
/** Other grants' debts, oldest first, repaid from at most `micros` of each payer. */
export function repay(m: Model, payers: Array<{ grant: Grant; micros: number }>, except: Grant[] = []) {
  for (const payer of payers) {
    let left = payer.grant.closed ? 0 : Math.min(payer.micros, Math.max(unheld(payer.grant), 0));
    for (const debtor of m.grants
      .filter((g) => g.provider === payer.grant.provider && g.owed > 0 && g !== payer.grant && !except.includes(g))
      .sort((a, b) => a.seq - b.seq)) {
      const r = Math.min(left, debtor.owed);
      debtor.owed -= r;
      debtor.repaidByOthers += r;
      const lender = debtor.lenders.find((l) => l.payerId === payer.grant.id);
      if (lender) lender.micros += r;
      else if (r > 0) debtor.lenders.push({ payerId: payer.grant.id, micros: r });
      payer.grant.remaining -= r;
      payer.grant.used += r;
      left -= r;
    }
  }
}

/** Unheld credits leave a closed grant: they expire, or are clawed back. */
export function leave(g: Grant, micros: number) {
  g.remaining -= micros;
  if (g.closed === "EXPIRED") g.expired += micros;
  else g.clawedOut += micros;
}

/**
 * A refund claims credits in proportion to the money given back, a dispute (or a full refund)
 * claims them all. Of the grant the buyer may keep its amount less the claims; what it has is
 * the amount less what expired, was clawed back, was repaid of its debt (or given back to the
 * grants that repaid it) and is still owed. What
 * it has beyond what it may keep is clawed back from its unheld credits, the rest owed.
 */
export function claimInModel(p: Purchase) {
  const g = p.grant;
  const claimed = p.disputed || p.refunded >= p.price ? g.amount : Number((BigInt(g.amount) * BigInt(p.refunded)) / BigInt(p.price));
  if (claimed <= g.clawed) return;
  g.clawed = claimed;
  const kept = g.amount - g.expired - g.clawedOut - g.repaidOwn - g.givenBack - g.repaidByOthers - g.owed;
  const excess = Math.max(kept - (g.amount - g.clawed), 0);
  const taken = Math.min(excess, Math.max(unheld(g), 0));
  g.remaining -= taken;
  g.clawedOut += taken;
  g.owed += excess - taken;
  if (claimed === g.amount && !g.closed) g.closed = "CLAWED_BACK";
}

/** Releases a job's holds and consumes: from what it held, then from what is available; null when that falls short. */
export function resolveInModel(m: Model, job: Job, consumed: number, now: number): Map<string, number> | null {
  const byId = new Map(m.grants.map((g) => [g.id, g]));
  const holds = job.holds.map((h) => ({ grant: byId.get(h.grant.id)!, micros: h.micros }));
  for (const h of holds) h.grant.held -= h.micros;
  const parts = new Map<string, number>();
  let left = consumed;
  for (const h of holds) {
    const part = Math.min(left, h.micros);
    if (part === 0) continue;
    h.grant.remaining -= part;
    h.grant.used += part;
    parts.set(h.grant.id, (parts.get(h.grant.id) ?? 0) + part);
    left -= part;
  }
  if (left > 0) {
    const extra = take(m, job.provider, left, now);
    if (!extra) return null;
    for (const part of extra) {
      part.grant.remaining -= part.micros;
      part.grant.used += part.micros;
      parts.set(part.grant.id, (parts.get(part.grant.id) ?? 0) + part.micros);
    }
  }
  settle(
    m,
    holds.map((h) => h.grant),
  );
  return parts;
}
