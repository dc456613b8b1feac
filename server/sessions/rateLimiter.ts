// Message budgets. A token bucket gives a steady rate with room for bursts (joining a big cell,
// pasting). Each socket has its own, and each person (token `sub`) one more, shared by all their
// sockets on this node: opening more sockets buys no bigger share of the server.
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
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
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
}

/** What one socket may send: its own budget, then its person's. */
export interface SocketBudget {
  take(): boolean;
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
    const { perSocket, perPerson, maxSockets } = this.limits;
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
      release: () => {
        if (!open) return;
        open = false;
        if (--person.sockets === 0) this.people.delete(sub);
      },
    };
  }
}
