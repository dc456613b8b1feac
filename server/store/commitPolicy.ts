// When the next group commit starts. What a commit costs beyond its fsync is its fan-out: one
// frame per socket that receives its updates. Committing at once keeps latency low but multiplies
// frames (one per update instead of one per window); waiting shares a frame between the updates of
// a window. So the time between two commits' starts follows what the last commits' fan-out wrote:
// `frames ÷ TEARLINE_COMMIT_FRAMES_PER_SECOND`, at most the window. A cell of 10 (10 frames per
// commit) commits every 2 ms at most, a cell of 50 every 10 ms, a cell of 200 or more every 25 ms
// (the fixed window of before): latency is spent only where frames cost, and the frames written
// per second stay under the budget until the window caps the wait. A lone edit, long after the last
// commit, is committed at once; edits arriving during a commit share the next one.
//
// The signal is frames, not the event loop's busy share (the first adaptive form): that form
// committed at once at 200 clients whenever the loop stayed under its threshold, and frames per
// delivery went from 0.31 to 0.77 (15–20 µs per delivery, over the 10 µs target).

export interface CommitPolicy {
  /** TEARLINE_COMMIT_WINDOW_MS: the most time between two commits' starts, so the longest an update waits. */
  maxWindowMs: number;
  /**
   * TEARLINE_COMMIT_FRAMES_PER_SECOND: the fan-out frames per second that committing sooner than
   * the window may cost. 0: commits always start the whole window apart.
   */
  framesPerSecond: number;
}

/** The least time between two commits' starts when each commit's fan-out writes `framesPerCommit` frames. */
export function commitInterval(framesPerCommit: number, policy: CommitPolicy): number {
  const { maxWindowMs, framesPerSecond } = policy;
  if (framesPerSecond <= 0) return maxWindowMs;
  return Math.min(maxWindowMs, (1000 * framesPerCommit) / framesPerSecond);
}

/**
 * The least time from one fan-out flush to a flush of relayed updates alone (`Fanout.relayed`):
 * the commit interval, or twice it while a local commit is under way or due. That commit's flush
 * then comes first and takes the relayed updates along: paced on the interval alone, they were
 * often flushed just before it, and every socket got two frames where one would do (frames per
 * delivery 0.12–0.16 on one node and 0.21 on each of two in the same runs; docs/performance.md,
 * "Session 10"). A local commit that fails, so never flushes, delays them by one interval more.
 */
export function relayPace(framesPerCommit: number, policy: CommitPolicy, localCommitPending: boolean): number {
  const interval = commitInterval(framesPerCommit, policy);
  return localCommitPending ? 2 * interval : interval;
}

/** How long a commit due now waits: until the interval since the previous commit's start has passed. */
export function commitWait(sinceLastStartMs: number, framesPerCommit: number, policy: CommitPolicy): number {
  return Math.max(0, Math.ceil(commitInterval(framesPerCommit, policy) - sinceLastStartMs));
}

/**
 * Frames written by the fan-out, per commit, smoothed. The fan-out adds what it writes; each commit
 * start closes one commit's count (the previous commit's fan-out runs before the next commit
 * starts). Frames of updates relayed from other nodes count too: they are this node's work.
 */
export class FanoutFrames {
  private sinceCommit = 0;
  private smoothed = 0;

  /** The fan-out wrote `frames` frames (one per socket it sent to). */
  add(frames: number): void {
    this.sinceCommit += frames;
  }

  /** Frames per commit, smoothed over the last few commits; the current count weighs half. */
  perCommit(): number {
    return (this.smoothed + this.sinceCommit) / 2;
  }

  /** A commit starts: the count so far was the previous commit's. */
  commitStarted(): void {
    this.smoothed = this.perCommit();
    this.sinceCommit = 0;
  }
}
