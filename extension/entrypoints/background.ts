import { defineBackground } from 'wxt/utils/define-background';

export default defineBackground({
  type: 'module',
  main() {
    // Wiring for vault, fill and WebAuthn bridge is added by their modules.
  },
});
