import type { ScanResult } from '../vault/protocol';
import { useT } from './components';

/**
 * What a QR scan found: every account with its issuer, name and the origin of the frame that showed it
 * (a frame from another site is called out); the user ticks which to add. Nothing is pre-selected.
 */
export function ScanPicker(p: {
  scan: ScanResult;
  picked: ReadonlySet<number>;
  onPick: (picked: ReadonlySet<number>) => void;
  onAdd: () => void;
  busy: boolean;
}) {
  const t = useT();
  const toggle = (i: number, on: boolean) => {
    const next = new Set(p.picked);
    if (on) next.add(i);
    else next.delete(i);
    p.onPick(next);
  };
  return (
    <section class="scan-found" aria-label={t('scanFound', { n: p.scan.accounts.length })}>
      <p>{t('scanFound', { n: p.scan.accounts.length })}</p>
      <ul class="scan-list">
        {p.scan.accounts.map((a, i) => (
          <li key={a.uri} data-cross-origin={String(a.crossOrigin)}>
            <label class="row">
              <input
                type="checkbox"
                checked={p.picked.has(i)}
                onChange={(e) => toggle(i, e.currentTarget.checked)}
              />
              <span>
                <strong>{a.issuer || a.account}</strong>
                {a.issuer ? ` (${a.account})` : ''}
                <br />
                <small>
                  {a.frameOrigin ? t('scanFrom', { origin: a.frameOrigin }) : t('scanUnknownFrame')}
                  {a.crossOrigin && a.frameOrigin ? ` — ${t('scanCrossOrigin')}` : ''}
                  {a.source === 'migration' ? ` — ${t('scanMigration')}` : ''}
                </small>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {p.scan.notAuthenticator > 0 && <p class="hint">{t('scanOthers', { n: p.scan.notAuthenticator })}</p>}
      <button type="button" class="primary" disabled={p.busy || p.picked.size === 0} onClick={p.onAdd}>
        {t('scanAddSelected')}
      </button>
    </section>
  );
}
