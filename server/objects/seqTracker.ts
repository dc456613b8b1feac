// Which of an object's sequence numbers (1, 2, 3 …, per object) a node has seen: the highest
// with every one before it seen, and those seen beyond it. A number missing while a later one
// is seen is a gap (an entry lost with a Redis restart, or trimmed away): the object is then
// reloaded from PostgreSQL. Pure bookkeeping, no I/O.
export class SeqTracker {
  private readonly beyond = new Set<number>();

  constructor(private through: number) {}

  /** Every number up to this one is seen. */
  get contiguous(): number {
    return this.through;
  }

  /** The highest number seen. */
  get highest(): number {
    let highest = this.through;
    for (const seen of this.beyond) highest = Math.max(highest, seen);
    return highest;
  }

  /** Whether the node is waiting for a number below one it saw. */
  get hasGap(): boolean {
    return this.beyond.size > 0;
  }

  /** Records `seq`; false when it was seen already (a duplicate: do nothing with it). */
  see(seq: number): boolean {
    if (seq <= this.through || this.beyond.has(seq)) return false;
    this.beyond.add(seq);
    while (this.beyond.delete(this.through + 1)) this.through++;
    return true;
  }

  /** Everything seen is known (the object was reloaded whole): no gap is waited for. */
  settleAll(): void {
    this.settle(Math.max(this.through, ...this.beyond));
  }

  /** Everything through `seq` is known (reloaded from the store): the gap below it is closed. */
  settle(seq: number): void {
    this.through = Math.max(this.through, seq);
    for (const seen of this.beyond) if (seen <= this.through) this.beyond.delete(seen);
    while (this.beyond.delete(this.through + 1)) this.through++;
  }
}
