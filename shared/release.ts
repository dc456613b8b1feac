// A release request: an editor asks the FDOs of the object's originator nation to widen its
// marking. Plain JSON data; the outcome is a tagged union on `state`, so a pending request has no
// decision fields and a denied one always has its reason.

export const RELEASE_STATES = ['pending', 'approved', 'denied', 'withdrawn', 'auto_released', 'expired', 'failed'] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

/**
 * Why a request expired at its deadline instead of being released automatically:
 * the cell does not release on silence, the originating nation's FDOs have not opted its material
 * in to automatic release in this cell, the object is ORCON (never released without its
 * originator), the object's marking changed so the target is no longer a widening, or the object
 * no longer exists.
 */
export const EXPIRY_CAUSES = ['auto_release_off', 'originator_not_opted_in', 'orcon', 'marking_changed', 'object_gone'] as const;
export type ExpiryCause = (typeof EXPIRY_CAUSES)[number];

/**
 * Why an FDO denied a release, picked from a list (the figures group denials by it) beside the
 * free-text reason: the source or method would be exposed, the classification is too high for the
 * partner, a national caveat or agreement forbids it, it needs sanitising first (a tearline), the
 * partner has no need to know, or something else the reason explains.
 */
export const DENIAL_CATEGORIES = ['sources_methods', 'classification', 'caveat', 'sanitise_first', 'need_to_know', 'other'] as const;
export type DenialCategory = (typeof DENIAL_CATEGORIES)[number];

export const DENIAL_CATEGORY_LABELS: Record<DenialCategory, string> = {
  sources_methods: 'Would expose sources or methods',
  classification: 'Too highly classified for the partner',
  caveat: 'National caveat or agreement forbids it',
  sanitise_first: 'Needs sanitising first (a tearline)',
  need_to_know: 'No need to know',
  other: 'Other (see the reason)',
};

/** A cell's release policy (WorkspaceSummary.releasePolicy). */
export interface ReleasePolicy {
  /** Minutes from request to deadline: 72 h by default, minutes for a crisis cell (fractions allowed). */
  deadlineMinutes: number;
  /** The cell's own switch: when off, silence at the deadline never releases anything. */
  autoRelease: boolean;
  /**
   * Nations whose FDOs opted their own material in to automatic release in this cell, each by an
   * FDO of that nation. Only the originator decides what silence means for its material
   * (DESIGN.md invariant 5), so the cell switch alone releases nothing.
   */
  autoReleaseNations: string[];
}

/**
 * Why silence at the deadline may not release material of `originator`, or null when it may
 * (ORCON aside). Both must allow: the cell (which may only be stricter) and the originator.
 */
export function autoReleaseRefusal(policy: ReleasePolicy | undefined, originator: string): 'auto_release_off' | 'originator_not_opted_in' | null {
  if (!policy?.autoRelease) return 'auto_release_off';
  if (!policy.autoReleaseNations.includes(originator)) return 'originator_not_opted_in';
  return null;
}

export interface RequestParty {
  sub: string;
  name: string;
  nation: string;
}

export interface ReleaseRequestBase {
  id: string;
  workspaceId: string;
  objectId: string;
  /** Nation whose FDOs decide: the object's originator. */
  originator: string;
  /** The object's banner marking when the request was made. */
  fromMarking: string;
  /** The requested banner marking (canonical form). */
  targetMarking: string;
  justification: string;
  requestedBy: RequestParty;
  /** ISO 8601 UTC. */
  requestedAt: string;
  /** ISO 8601 UTC: when the deadline action runs (automatic release or expiry). */
  deadline: string;
}

export type ReleaseOutcome =
  | { state: 'pending' }
  | { state: 'approved'; closedAt: string; decidedBy: RequestParty }
  /** `category`: absent on denials made before categories existed (read as `other`). */
  | { state: 'denied'; closedAt: string; decidedBy: RequestParty; reason: string; category?: DenialCategory }
  | { state: 'withdrawn'; closedAt: string }
  | { state: 'auto_released'; closedAt: string }
  | { state: 'expired'; closedAt: string; cause: ExpiryCause }
  /**
   * Approved or released at the deadline, but the re-mark could not be carried out: the object
   * keeps `fromMarking`. `decidedBy` is the approving FDO, null for an automatic release;
   * `failure` says why, in plain words.
   */
  | { state: 'failed'; closedAt: string; decidedBy: RequestParty | null; failure: string };

export type ReleaseRequest = ReleaseRequestBase & ReleaseOutcome;

/** Pending requests have no outcome yet; every other state is final. */
export function isPending(request: ReleaseRequest): request is ReleaseRequestBase & { state: 'pending' } {
  return request.state === 'pending';
}

/** The request without its outcome, to build the next state from. */
export function baseOf(request: ReleaseRequest): ReleaseRequestBase {
  const { id, workspaceId, objectId, originator, fromMarking, targetMarking, justification, requestedBy, requestedAt, deadline } = request;
  return { id, workspaceId, objectId, originator, fromMarking, targetMarking, justification, requestedBy, requestedAt, deadline };
}
