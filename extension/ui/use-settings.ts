/** Effective settings for a page, kept current when user or policy storage changes. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import type { EffectiveSettings } from '../settings/effective';
import { sendVault } from '../vault/client';

export function useEffectiveSettings(): [EffectiveSettings | null, () => void] {
  const [s, setS] = useState<EffectiveSettings | null>(null);
  const reload = useCallback(() => {
    void sendVault({ type: 'settings.get' }).then(setS);
  }, []);
  useEffect(() => {
    reload();
    const onChanged = (_c: unknown, area: string) => {
      if (area === 'managed' || area === 'local') reload();
    };
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [reload]);
  return [s, reload];
}
