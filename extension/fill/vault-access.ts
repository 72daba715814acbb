/** The vault as the fill background sees it (setupVault() runs first in the background's main()). */
import { displayName } from '../vault/accounts';
import { getVault, openUnlockWindow } from '../vault/background';
import { VaultError } from '../vault/errors';
import type { VaultService } from '../vault/service';

export function getVaultOrNull(): VaultService | null {
  try {
    return getVault();
  } catch {
    return null;
  }
}

export { displayName, openUnlockWindow, VaultError };
