/**
 * Effective settings for a page, kept current when policy storage changes (storage.onChanged 'managed')
 * or the background says the user's settings changed (they live in its trusted store, not in storage).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { EffectiveSettings } from '../settings/effective';
import { sendVault } from '../vault/client';
import { SETTINGS_CHANGED } from '../vault/protocol';

export function useEffectiveSettings(): [EffectiveSettings | null, () => void] {
  const [s, setS] = useState<EffectiveSettings | null>(null);
  const reload = useCallback(() => {
    void sendVault({ type: 'settings.get' }).then(setS);
  }, []);
  useEffect(() => {
    reload();
    const onChanged = (_c: unknown, area: string) => {
      if (area === 'managed') reload();
    };
    const onMessage = (m: unknown, sender: { id?: string }) => {
      if (sender.id === browser.runtime.id && (m as { type?: unknown } | null)?.type === SETTINGS_CHANGED)
        reload();
    };
    browser.storage.onChanged.addListener(onChanged);
    browser.runtime.onMessage.addListener(onMessage);
    return () => {
      browser.storage.onChanged.removeListener(onChanged);
      browser.runtime.onMessage.removeListener(onMessage);
    };
  }, [reload]);
  return [s, reload];
}
