// Fires release deadlines. The store is the schedule: one timer is armed for the soonest pending
// deadline, and when it fires every pending request due by now is handed to `onDeadline`, which
// moves it out of `pending` (automatic release or expiry). Nothing lives only in memory, so a
// restart loses nothing: `start()` fires what fell due while the server was down and re-arms.
// Several nodes each run one: given a `claimant` (its node id), each round claims the due requests
// (`claimDue`, leased for `retryMs`), so each deadline is carried out by one node; the store's
// compare-and-set on the request's state still decides, and a dead node's claim lapses.
import type { ReleaseRequestStore } from './requestStore';

/** setTimeout's ceiling (about 24.8 days); longer waits are re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DeadlineSchedulerOptions {
  store: Pick<ReleaseRequestStore, 'pendingDueBy' | 'claimDue' | 'nextDeadline'>;
  /** This node's id: due requests are claimed before they are handled (several nodes). */
  claimant?: string;
  /** Applies the deadline to one request. A request it leaves pending is retried after `retryMs`. */
  onDeadline(requestId: string): Promise<void>;
  /** Called when `onDeadline` or the store fails; the scheduler keeps running. Default: console.error. */
  onError?(error: unknown, requestId?: string): void;
  /** TEARLINE_RELEASE_RETRY_MS: wait before retrying a request still pending after its deadline was handled. */
  retryMs: number;
}

export interface DeadlineScheduler {
  /** Fires everything already due, then arms the timer for the next deadline. */
  start(): Promise<void>;
  /** A request was created with this deadline: fire no later than that. */
  wake(deadline: Date): void;
  /** Disarms the timer and waits for a round in progress to finish. */
  stop(): Promise<void>;
}

export function createDeadlineScheduler(options: DeadlineSchedulerOptions): DeadlineScheduler {
  const { store, onDeadline, onError = (error, id) => console.error('release deadline failed', id ?? '', error), retryMs } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armedFor: number | undefined;
  let round: Promise<void> | undefined;
  let again = false;
  let stopped = true;

  function disarm(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    armedFor = undefined;
  }

  function armAt(at: number): void {
    disarm();
    armedFor = at;
    timer = setTimeout(() => {
      timer = undefined;
      armedFor = undefined;
      void runRound();
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
    timer.unref?.();
  }

  /** Hands every request due by now to `onDeadline`; returns the time it checked up to. */
  async function fireDue(): Promise<number> {
    const checkedUpTo = Date.now();
    const now = new Date(checkedUpTo);
    const due = options.claimant === undefined ? store.pendingDueBy(now) : store.claimDue(now, options.claimant, retryMs);
    for (const request of await due) {
      if (stopped) break;
      try {
        await onDeadline(request.id);
      } catch (error) {
        onError(error, request.id);
      }
    }
    return checkedUpTo;
  }

  async function rearm(checkedUpTo: number): Promise<void> {
    // Deadlines after the check (some may have passed during the round: they fire at once).
    const upcoming = (await store.nextDeadline(new Date(checkedUpTo)))?.getTime() ?? Infinity;
    // A request due by the check and still pending: its handler failed; retry it later, without
    // holding back the deadlines that fall before the retry.
    const soonest = (await store.nextDeadline())?.getTime();
    const retry = soonest !== undefined && soonest <= checkedUpTo ? Date.now() + retryMs : Infinity;
    const at = Math.min(upcoming, retry);
    if (!stopped && at !== Infinity) armAt(at);
  }

  // One round at a time; a wake-up during a round asks for another one after it.
  function runRound(): Promise<void> {
    if (round) {
      again = true;
      return round;
    }
    round = (async () => {
      do {
        again = false;
        try {
          await rearm(await fireDue());
        } catch (error) {
          onError(error);
          if (!stopped) armAt(Date.now() + retryMs);
        }
      } while (again && !stopped);
    })().finally(() => {
      round = undefined;
    });
    return round;
  }

  return {
    async start() {
      stopped = false;
      await runRound();
    },
    wake(deadline) {
      if (stopped) return;
      // A round in progress may have read the next deadline before this request existed.
      if (round) again = true;
      if (armedFor === undefined || deadline.getTime() < armedFor) armAt(deadline.getTime());
    },
    async stop() {
      stopped = true;
      disarm();
      await round;
    },
  };
}
