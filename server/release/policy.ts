// A cell's release policy (WorkspaceSummary.releasePolicy): how long FDOs have to decide, and
// whether silence releases. The deadline is fixed when the request is made; whether it releases
// automatically is read at the deadline, so a cell that switches auto-release off mid-crisis, or
// a nation that opts out, stops pending requests from going out on their own.
import type { Role } from '../../shared/protocol';
import type { ReleasePolicy } from '../../shared/release';

export type { ReleasePolicy } from '../../shared/release';

export const DEFAULT_RELEASE_POLICY: ReleasePolicy = { deadlineMinutes: 72 * 60, autoRelease: false, autoReleaseNations: [] };

const MINUTE_MS = 60_000;
/** Six seconds: crisis drills and exercises rehearse deadlines in seconds. */
export const MIN_DEADLINE_MINUTES = 0.1;

export function deadlineFor(policy: ReleasePolicy | undefined, requestedAt: Date): Date {
  const minutes = policy && Number.isFinite(policy.deadlineMinutes) && policy.deadlineMinutes >= MIN_DEADLINE_MINUTES ? policy.deadlineMinutes : DEFAULT_RELEASE_POLICY.deadlineMinutes;
  return new Date(requestedAt.getTime() + minutes * MINUTE_MS);
}

/**
 * Why `actor` may not opt `nation` in to (or out of) automatic release, or null when they may:
 * only an FDO of that nation speaks for its material (DESIGN.md invariant 5).
 */
export function autoReleaseOptInRefusal(actor: { nation: string; roles: readonly Role[] }, nation: string): string | null {
  if (actor.nation === nation && actor.roles.includes('fdo')) return null;
  return `Only a foreign disclosure officer of ${nation} may decide whether ${nation} material is released automatically at the deadline.`;
}

/** The policy with `nation` opted in or out; the list stays sorted and without repeats. */
export function withAutoReleaseNation(policy: ReleasePolicy, nation: string, optedIn: boolean): ReleasePolicy {
  const others = policy.autoReleaseNations.filter((listed) => listed !== nation);
  return { ...policy, autoReleaseNations: (optedIn ? [...others, nation] : others).sort() };
}

/** A stored policy, read with the defaults for what it lacks: cells stored before per-nation opt-in have no nation opted in. */
export function storedReleasePolicy(stored: Partial<ReleasePolicy> | undefined): ReleasePolicy {
  return { ...DEFAULT_RELEASE_POLICY, ...stored, autoReleaseNations: stored?.autoReleaseNations ?? [] };
}
