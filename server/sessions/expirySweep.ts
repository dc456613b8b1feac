// When each session's token runs out: one timer for every socket of the node, not one each (a
// timer and its closure per connected client was memory per client, issue 18). Expiries fall into
// slots of `stepMs`: a session is ended at the sweep of its slot, at or after its expiry, so at
// most `stepMs` late and never early. The timer is armed for the earliest slot that holds a key,
// not every step: a server whose members' tokens run for an hour wakes for them when they run out,
// not once a second meanwhile (an idle server's wake-ups cost CPU; docs/performance.md, session 10).
/** setTimeout's ceiling (about 24.8 days); a later slot is reached by re-arming on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ExpirySweep<K> {
  /** Slot number (expiry ÷ stepMs, rounded up) → the keys that expire in it. */
  private readonly slots = new Map<number, Set<K>>();
  private readonly slotOf = new Map<K, number>();
  /** Every slot through this one has been swept. */
  private swept: number;
  private timer: NodeJS.Timeout | undefined;
  /** The slot the timer is armed for. */
  private armedFor = Infinity;

  constructor(
    private readonly stepMs: number,
    private readonly expire: (key: K) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.swept = Math.floor(now() / stepMs);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Ends `key` at `atMs` (epoch milliseconds), replacing any earlier schedule of it. */
  schedule(key: K, atMs: number): void {
    this.cancel(key);
    // Idle until now: the slots passed meanwhile held nothing.
    if (this.slotOf.size === 0) this.swept = Math.max(this.swept, Math.floor(this.now() / this.stepMs));
    // An expiry already past goes into the next sweep.
    const slot = Math.max(Math.ceil(atMs / this.stepMs), this.swept + 1);
    let keys = this.slots.get(slot);
    if (!keys) this.slots.set(slot, (keys = new Set()));
    keys.add(key);
    this.slotOf.set(key, slot);
    if (slot < this.armedFor) this.arm(slot);
  }

  /** Forgets `key`. The timer stays as it is: if its slot is now empty it finds nothing and re-arms. */
  cancel(key: K): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    const keys = this.slots.get(slot)!;
    keys.delete(key);
    if (keys.size === 0) this.slots.delete(slot);
  }

  /** Ends every key whose slot has begun, then arms the timer for the next slot that holds one. */
  sweep(): void {
    const current = Math.floor(this.now() / this.stepMs);
    this.swept = Math.max(this.swept, current);
    // Slots are few (at most a token's lifetime ÷ stepMs, whatever the number of sessions) and a
    // sweep runs only when one is due: a walk over them finds both the due ones and the next.
    const due: number[] = [];
    let next = Infinity;
    for (const slot of this.slots.keys()) {
      if (slot <= current) due.push(slot);
      else next = Math.min(next, slot);
    }
    this.stop();
    for (const slot of due.sort((a, b) => a - b)) {
      const keys = this.slots.get(slot)!;
      this.slots.delete(slot);
      for (const key of keys) {
        this.slotOf.delete(key);
        this.expire(key);
      }
    }
    // An `expire` may have scheduled again (and armed): the earlier of the two stands.
    if (next < this.armedFor) this.arm(next);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(slot: number): void {
    clearTimeout(this.timer);
    this.armedFor = slot;
    // Timers run on a monotonic clock and expiries on the wall clock: a sweep that comes a little
    // early finds its slot not yet begun and arms again (at least 1 ms on).
    const wait = Math.min(MAX_TIMER_MS, Math.max(1, slot * this.stepMs - this.now()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedFor = Infinity;
      this.sweep();
    }, wait);
    this.timer.unref();
  }
}
