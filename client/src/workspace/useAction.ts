// Busy and error state around one server action, so every form reports refusals in words.
import { useState } from 'react';
import { describeError } from '../session/errors';

export interface Action {
  busy: boolean;
  error: string | null;
  clearError: () => void;
  /**
   * Runs `task`; resolves true on success, false after recording the error: the server's sentence,
   * after `failurePrefix` ("Could not save: …") when one is given, else alone (a form whose
   * refusal already says what failed).
   */
  run: (task: () => Promise<unknown>, failurePrefix?: string) => Promise<boolean>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (task: () => Promise<unknown>, failurePrefix?: string) => {
    setBusy(true);
    setError(null);
    try {
      await task();
      return true;
    } catch (failure) {
      setError(failurePrefix === undefined ? describeError(failure) : `${failurePrefix}: ${describeError(failure)}`);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, clearError: () => setError(null), run };
}
