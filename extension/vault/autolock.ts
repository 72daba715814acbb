/**
 * When the vault locks itself: `autoLockMinutes` after the last use. The time of the last use is kept
 * in `storage.session` (it survives a service-worker restart, like the key), so a new auto-lock time
 * (a policy arriving late, or the user's choice) is measured from the last use, not from the change:
 * lowering it below the time already idle locks at once.
 */
export const LAST_ACTIVITY_KEY = 'vault.lastActivity';

export type AutoLockPlan = { lockNow: true } | { lockNow: false; at: number };

/** `lastActivity` unknown (e.g. unlocked by an older version): count from `now`. */
export function planAutoLock(lastActivity: number | undefined, minutes: number, now: number): AutoLockPlan {
  const from =
    typeof lastActivity === 'number' && Number.isFinite(lastActivity) ? Math.min(lastActivity, now) : now;
  const at = from + minutes * 60_000;
  return at <= now ? { lockNow: true } : { lockNow: false, at };
}
