// When the next group commit starts. A quiet cell's edit is committed at once: a fixed window
// made every edit wait it (20–30 ms of typing others saw late), though the disk was idle. Edits
// arriving during a commit share the next one, so batches grow with the arrival rate by
// themselves. Only when the event loop is busy (large rooms: the frames of each commit are what
// costs) does the next commit wait, up to the window, so that more edits share one commit and one
// frame per room: latency is spent only where it buys CPU.
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface CommitPolicy {
  /** TEARLINE_COMMIT_WINDOW_MS: the longest an update waits to share a commit, reached only under load. */
  maxWindowMs: number;
  /**
   * TEARLINE_COMMIT_BUSY_PERCENT / 100: the event loop's busy share (commits aside) above which
   * commits wait; the wait reaches the window at twice this. 0: always the whole window.
   */
  busyFrom: number;
}

/** How long the next commit waits, at `load` (the event loop's busy share, 0–1). */
export function commitWait(load: number, policy: CommitPolicy): number {
  const { maxWindowMs, busyFrom } = policy;
  if (busyFrom <= 0) return maxWindowMs;
  if (load <= busyFrom) return 0;
  const full = Math.min(1, 2 * busyFrom);
  return Math.round(maxWindowMs * Math.min(1, (load - busyFrom) / (full - busyFrom)));
}

/** The event loop's busy share, smoothed, without the time the writer itself spent committing. */
export interface LoadGauge {
  load(): number;
  /** A commit held the event loop for `ms` (SQLite's, fsync included, runs on it): not load. */
  committed(ms: number): void;
}

/** Samples no more often than this: a shorter interval is all noise. */
const SAMPLE_MS = 200;

export function eventLoopLoad(
  utilization: (since?: EventLoopUtilization) => EventLoopUtilization = (since) => performance.eventLoopUtilization(since),
): LoadGauge {
  let last = utilization();
  let commitMs = 0;
  let smoothed = 0;
  return {
    load() {
      const delta = utilization(last);
      if (delta.idle + delta.active < SAMPLE_MS) return smoothed;
      last = utilization();
      const busy = Math.max(0, delta.active - commitMs) / (delta.idle + delta.active);
      commitMs = 0;
      smoothed = (smoothed + Math.min(1, busy)) / 2;
      return smoothed;
    },
    committed(ms) {
      commitMs += ms;
    },
  };
}
