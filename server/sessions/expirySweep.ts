// When each session's token runs out: one timer for every socket of the node, not one each (a
// timer and its closure per connected client was memory per client, issue 18). A timing wheel of
// `stepMs` slots: a session is ended at the first sweep at or after its expiry, so at most
// `stepMs` late and never early.
export class ExpirySweep<K> {
  /** Slot number (expiry ÷ stepMs, rounded up) → the keys that expire in it. */
  private readonly slots = new Map<number, Set<K>>();
  private readonly slotOf = new Map<K, number>();
  /** Every slot through this one has been swept. */
  private swept: number;
  private timer: NodeJS.Timeout | undefined;

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
    if (!this.timer) {
      // Idle until now: the slots passed meanwhile held nothing.
      this.swept = Math.max(this.swept, Math.floor(this.now() / this.stepMs));
      this.timer = setInterval(() => this.sweep(), this.stepMs);
      this.timer.unref();
    }
    // An expiry already past goes into the next sweep.
    const slot = Math.max(Math.ceil(atMs / this.stepMs), this.swept + 1);
    let keys = this.slots.get(slot);
    if (!keys) this.slots.set(slot, (keys = new Set()));
    keys.add(key);
    this.slotOf.set(key, slot);
  }

  cancel(key: K): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    const keys = this.slots.get(slot)!;
    keys.delete(key);
    if (keys.size === 0) this.slots.delete(slot);
  }

  /** Ends every key whose slot has begun; stops the timer when none is left. */
  sweep(): void {
    const current = Math.floor(this.now() / this.stepMs);
    // A timer that fell far behind (a blocked event loop) walks the slots that exist, not every slot missed.
    const due = current - this.swept > this.slots.size ? [...this.slots.keys()].filter((slot) => slot <= current).sort((a, b) => a - b) : range(this.swept + 1, current);
    this.swept = Math.max(this.swept, current);
    for (const slot of due) {
      const keys = this.slots.get(slot);
      if (!keys) continue;
      this.slots.delete(slot);
      for (const key of keys) {
        this.slotOf.delete(key);
        this.expire(key);
      }
    }
    if (this.slotOf.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

function range(from: number, to: number): number[] {
  const numbers: number[] = [];
  for (let n = from; n <= to; n++) numbers.push(n);
  return numbers;
}
