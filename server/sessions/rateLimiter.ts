// Message budgets. A token bucket gives a steady rate with room for bursts (joining a big cell,
// pasting). Each socket has its own, and each person (token `sub`) one more, shared by all their
// sockets on this node: opening more sockets buys no bigger share of the server. A message costs
// one token, and its answer one more per `bytesPerToken` bytes: a large answer costs the server
// what many small ones do.
import { TearlineError } from '../errors';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Takes `tokens` for work already done, into debt if need be: `take` fails until it is paid back. */
  charge(tokens: number, now = Date.now()): void {
    this.refill(now);
    this.tokens -= tokens;
  }

  /** How long until `take` can succeed. */
  waitMs(now = Date.now()): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return this.perSecond > 0 ? Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) : Number.POSITIVE_INFINITY;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
  }
}

export interface Rate {
  perSecond: number;
  burst: number;
}

export interface PersonLimits {
  perSocket: Rate;
  perPerson: Rate;
  /** Sockets one person may hold open on this node at once. */
  maxSockets: number;
  /** An answer costs one token more per this many bytes. */
  bytesPerToken: number;
}

/** What one socket may send: its own budget, then its person's. */
export interface SocketBudget {
  take(): boolean;
  /** Charges both budgets for an answer of `bytes`. */
  chargeAnswer(bytes: number): void;
  /** How long until this socket may send again. */
  waitMs(): number;
  /** Gives the socket's place back (once; later calls do nothing). */
  release(): void;
}

interface Person {
  bucket: TokenBucket;
  sockets: number;
}

export class PersonBudgets {
  private readonly people = new Map<string, Person>();

  constructor(private readonly limits: PersonLimits) {}

  /** People with at least one socket on this node. */
  get size(): number {
    return this.people.size;
  }

  /** A place for one more socket of `sub`; `rate_limited` when they already hold the most allowed. */
  open(sub: string): SocketBudget {
    const { perSocket, perPerson, maxSockets, bytesPerToken } = this.limits;
    const person = this.people.get(sub) ?? { bucket: new TokenBucket(perPerson.perSecond, perPerson.burst), sockets: 0 };
    if (person.sockets >= maxSockets) {
      throw new TearlineError(
        'rate_limited',
        `You already have ${maxSockets} connections open, the most one person may have. Close a tab or window you no longer use, then try again.`,
      );
    }
    person.sockets++;
    this.people.set(sub, person);
    const own = new TokenBucket(perSocket.perSecond, perSocket.burst);
    let open = true;
    return {
      // The socket's own bucket first: one runaway tab does not drain what the person's others share.
      take: () => own.take() && person.bucket.take(),
      chargeAnswer: (bytes) => {
        const tokens = Math.floor(bytes / bytesPerToken);
        if (tokens === 0) return;
        own.charge(tokens);
        person.bucket.charge(tokens);
      },
      waitMs: () => Math.max(own.waitMs(), person.bucket.waitMs()),
      release: () => {
        if (!open) return;
        open = false;
        if (--person.sockets === 0) this.people.delete(sub);
      },
    };
  }
}
