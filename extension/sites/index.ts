/**
 * The one site module: host patterns, account binding, allowed sites and site profiles, the look-alike
 * check, the bridge mode per site, and the sender's origin. Fill, vault and bridge import it from here.
 */
export * from './activation';
export * from './binding';
export * from './bridge-mode';
export * from './hosts';
export * from './lookalike';
export * from './multi-tenant';
export * from './sender';
