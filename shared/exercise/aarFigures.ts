// The after-action review's figures (computed by server/exercise/aar.ts from the audit trail),
// shared so EXCON's page can chart them.
export type SeenVia = 'direct' | 'release' | 'tearline';

export interface NationSight {
  nation: string;
  /** Null: the nation never could see it during the exercise. */
  at: string | null;
  /** From the inject's release to first sight. */
  afterMs: number | null;
  via: SeenVia | null;
}

export type ReleaseOutcome = 'pending' | 'approved' | 'denied' | 'withdrawn' | 'auto_released' | 'expired' | 'failed';

export interface ReleaseFigure {
  requestId: string;
  objectId: string;
  requestedBy: string | null;
  to: string;
  requestedAt: string;
  closedAt: string | null;
  outcome: ReleaseOutcome;
  tookMs: number | null;
  /** The denial's reason, the expiry's cause or the failure. */
  reason: string | null;
  /** A denial's category (shared/release.ts DENIAL_CATEGORIES); null for other outcomes. */
  category: string | null;
}

export type ExpectationResult = 'met' | 'late' | 'missed';

export interface InjectFigures {
  injectId: string;
  title: string;
  objective: string | null;
  releasedAt: string | null;
  scenarioMs: number | null;
  nations: NationSight[];
  releases: ReleaseFigure[];
  expected: { action: string; result: ExpectationResult; at: string | null } | null;
}

export interface RfiFigure {
  objectId: string;
  injectId: string | null;
  askedBy: string | null;
  askedAt: string;
  answeredAt: string | null;
  /** Answered after the deadline, or not at all. */
  late: boolean;
}

export interface AarFigures {
  injects: InjectFigures[];
  denials: (ReleaseFigure & { injectId: string })[];
  rfis: RfiFigure[];
}
