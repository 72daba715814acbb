/** A form action that asks the background for something: busy while it runs, a translated error if it fails. */
import { useState } from 'preact/hooks';
import { errorMessage, useT } from './components';

export type Action = {
  /** True while an action runs (disable the submit button). */
  busy: boolean;
  /** The message to show for the last failure, if any. */
  error: string | undefined;
  setError: (message: string | undefined) => void;
  /**
   * Clears the error, runs `action`, and shows the translated error if it throws; `onError` sees the
   * thrown value first (to reset fields or read details).
   */
  run: (action: () => Promise<void>, onError?: (err: unknown) => void) => Promise<void>;
};

export function useAction(): Action {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (action: () => Promise<void>, onError?: (err: unknown) => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      onError?.(err);
      setError(errorMessage(err, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
