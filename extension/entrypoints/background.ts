import { defineBackground } from 'wxt/utils/define-background';
import { setupBridge } from '../bridge/background/index';
import { setupFill } from '../fill/background';
import { setupVault } from '../vault/background';

export default defineBackground({
  type: 'module',
  main() {
    // Wiring for vault, fill and WebAuthn bridge is added by their modules.
    setupVault();
    setupFill();
    setupBridge();
  },
});
