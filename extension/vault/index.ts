// Public surface of the vault for other extension modules (fill, detect, bridge, UI).
export type { AccountSummary, VaultAccount } from './accounts';
export { displayName, normalizeOrigin } from './accounts';
export { VaultError, type VaultErrorCode } from './errors';
export * from './protocol';
export {
  type AccountMeta,
  type AccountPatch,
  accountMatchesOrigin,
  type CodeResult,
  type ImportReport,
  type VaultInfo,
  VaultService,
  type VaultStatus,
} from './service';
