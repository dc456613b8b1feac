// Admission of `workspace:join`. After a restart every client rejoins at once, and each join (and
// the `doc:sync` that follows it) keeps the event loop busy: without a bound, a storm left
// `/healthz` unanswered for seconds. Beyond a rate (joins a second on this node, bursts of one
// second's worth) or a number in progress at once, a join is answered `rate_limited` with a time
// to come back. Refused joins are given successive times one admission apart, so they return
// spread at the rate the node admits them rather than all together. Pure: the caller passes the
// time.
import { TokenBucket } from '../sessions/rateLimiter';

export type Admission = { admitted: true; done(): void } | { admitted: false; retryAfterMs: number };

/**
 * The furthest ahead a refused join is sent. Times handed out only grow while refusals keep
 * coming, and a client that ignores them would push everyone else's back; beyond this horizon a
 * client simply asks again and gets a new time.
 */
const HORIZON_MS = 30_000;

export class JoinAdmission {
  private readonly bucket: TokenBucket;
  private inProgress = 0;
  /** The latest time handed to a refused join. */
  private lastSlot = 0;

  constructor(
    private readonly perSecond: number,
    private readonly maxConcurrent: number,
    now = Date.now(),
  ) {
    this.bucket = new TokenBucket(perSecond, perSecond, now);
  }

  admit(now = Date.now()): Admission {
    if (this.inProgress < this.maxConcurrent && this.bucket.take(now)) {
      this.inProgress++;
      let open = true;
      return {
        admitted: true,
        done: () => {
          if (!open) return;
          open = false;
          this.inProgress--;
        },
      };
    }
    this.lastSlot = Math.min(Math.max(now, this.lastSlot) + 1000 / this.perSecond, now + HORIZON_MS);
    return { admitted: false, retryAfterMs: this.lastSlot - now };
  }
}
