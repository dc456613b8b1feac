// A cell's release policy (WorkspaceSummary.releasePolicy): how long FDOs have to decide, and
// whether silence releases. The deadline is fixed when the request is made; whether it releases
// automatically is read at the deadline, so a cell that switches auto-release off mid-crisis
// stops pending requests from going out on their own.

export interface ReleasePolicy {
  /** Minutes from request to deadline: 72 h by default, minutes for a crisis cell (fractions allowed). */
  deadlineMinutes: number;
  /** At the deadline with no decision: release (unless ORCON) when true, expire when false. */
  autoRelease: boolean;
}

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = { deadlineMinutes: 72 * 60, autoRelease: false };

const MINUTE_MS = 60_000;
/** Six seconds: crisis drills and exercises rehearse deadlines in seconds. */
export const MIN_DEADLINE_MINUTES = 0.1;

export function deadlineFor(policy: ReleasePolicy | undefined, requestedAt: Date): Date {
  const minutes = policy && Number.isFinite(policy.deadlineMinutes) && policy.deadlineMinutes >= MIN_DEADLINE_MINUTES ? policy.deadlineMinutes : DEFAULT_RELEASE_POLICY.deadlineMinutes;
  return new Date(requestedAt.getTime() + minutes * MINUTE_MS);
}
