/**
 * Live and test modes, as Stripe's livemode: a LIVE account's credits come only from real payments
 * (or an operator's grant), a TEST account's only from the embedded sandbox, so test credits never
 * mix with live ones. An account's mode is fixed when it is made (a database trigger refuses a change).
 */
export const MODES = ["LIVE", "TEST"] as const;
export type Mode = (typeof MODES)[number];

/** The mode a key shows in its prefix: `pak_live_…`, `pak_test_…`. */
export const keyPrefixOf = (mode: Mode) => `pak_${mode.toLowerCase()}_`;
