// The REST contract: what each route answers and the page limits, typed once for the server's
// routes (server/http/) and the web client (client/src/session/api.ts). Errors answer
// `{ error: ProtocolError }` with the status of their code.
import type { Persona, PublicConfig, WorkspaceSummary } from './protocol';
import type { DenialCategory, ReleasePolicy } from './release';
import type { CrossNationEditing } from './suggestions';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Most audit entries one page holds (`limit`'s default and maximum). */
export const AUDIT_PAGE_MAX = 1000;

export const AUDIT_ACTIONS = [
  'object.create',
  'object.remark',
  'object.move',
  'object.delete',
  'object.restore',
  'release.request',
  'release.approve',
  'release.deny',
  'release.withdraw',
  'release.auto',
  'release.expire',
  'release.fail',
  'release.policy',
  'tearline.create',
  'workspace.create',
  'workspace.join',
  'workspace.leave',
  'membership.change',
  'server.restart',
  'view_as',
  'export',
  'exercise.clock',
  'exercise.msel',
  'exercise.inject',
  'exercise.answer',
  'exercise.action',
  'exercise.join',
  'exercise.plan',
  'exercise.observe',
  'comment.create',
  'comment.resolve',
  'comment.reopen',
  'suggestion.create',
  'suggestion.accept',
  'suggestion.reject',
  'workspace.settings',
  'history.restore',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  sub: string;
  /** Trigraph of the actor's nation; null for the server itself (deadlines, automatic release). */
  nation: string | null;
}

/** An audit entry as one reader may see it (server/audit/visibility.ts decides what that is). */
export interface AuditView {
  /** ISO 8601 UTC timestamp. */
  at: string;
  workspaceId: string;
  actor: AuditActor;
  action: AuditAction;
  /** The object the entry is about; null for workspace-level events (join, leave, membership). */
  objectId: string | null;
  detail: { [key: string]: Json };
}

/** Where a feature was placed, or moved to (server-detected moves, server/objects/moves.ts). */
export interface TrackPoint {
  at: string;
  /** `placed`: where it was created (the first point, when the reader may see it); `moved`: a move. */
  event: 'placed' | 'moved';
  actor: AuditActor;
  /** The actor's display name as they last opened the cell; null when unknown. */
  actorName: string | null;
  /** [longitude, latitude]: the point, or a line's or area's first vertex. */
  position: [number, number];
}

/** A feature's moves the reader may see, oldest first. */
export interface FeatureTrack {
  points: TrackPoint[];
}

/** Every feature the reader may see that has a track they may see: feature id → its points, oldest first. */
export interface CellTracks {
  tracks: Record<string, TrackPoint[]>;
}

/** Detail fields holding a person's account id (`sub`): a suggestion decision's `author`. */
export const AUDIT_PERSON_FIELDS: readonly string[] = ['author'];

/** A person as the audit page names them: display name and nation as they last opened the cell. */
export interface AuditPerson {
  name: string;
  nation: string;
}

/** One page of a cell's audit trail, oldest first; each entry with the opaque cursor to read on after it. */
export interface AuditTrailPage {
  /**
   * `actorName`: the actor's display name as they last opened the cell (null for the server, or
   * for someone who never opened it); `people`: by account id, each person a detail field of
   * AUDIT_PERSON_FIELDS names, likewise (absent: never opened the cell). Both are read at request
   * time, not part of the hash-chained entry.
   */
  entries: (AuditView & { cursor: string; actorName: string | null; people: Record<string, AuditPerson> })[];
  /** Where the next page starts (null: nothing shown yet). */
  next: string | null;
}

export interface PartnerShare {
  nation: string;
  objects: number;
  /** objects / all objects; null for an empty cell. */
  objectShare: number | null;
  textLength: number;
  /** text characters / all text characters; null when the cell holds no text. */
  textShare: number | null;
}

/** Sharing figures of one cell over what the reader may see (server/figures/sharingFigures.ts). */
export interface SharingFigures {
  totals: { objects: number; textLength: number };
  partners: PartnerShare[];
  noforn: { objects: number; rate: number | null };
  releases: {
    requested: number;
    pending: number;
    approved: number;
    denied: number;
    withdrawn: number;
    autoReleased: number;
    expired: number;
    /** Decided or released at the deadline, but the server could not carry out the re-mark. */
    failed: number;
    /**
     * Request to decision, in milliseconds, over decided requests: approved, denied and
     * automatically released (the deadline is when those were decided). Median as the middle
     * value (mean of the two middle ones), p90 by nearest rank; null when none was decided.
     */
    decisionTime: { count: number; medianMs: number | null; p90Ms: number | null };
    /** Denials per category the FDOs picked (DENIAL_CATEGORIES order; only categories used), older uncategorised ones as `other`. */
    denialsByCategory: { category: DenialCategory; count: number }[];
    /** Denials grouped by reason (trimmed, spacing and case ignored), most frequent first. */
    denialsByReason: { reason: string; count: number }[];
  };
}

/** A coalition to spin a cell up from. */
export interface CellTemplate {
  id: string;
  name: string;
  /** Trigraphs or tetragraphs; tetragraphs expand through the policy's groups. */
  members: string[];
  /** Coalition groups the cell defines for REL TO (on top of the built-in FVEY, ACGU, NATO). */
  groups: Record<string, string[]>;
  /** Null: REL TO every member nation (shared/cellDefaults.ts). */
  defaultMarking: string | null;
}

/** `POST /api/workspaces`: what a new cell may say (the server's zod schema reads exactly this). */
export interface NewWorkspace {
  name: string;
  template?: string;
  members?: string[];
  defaultMarking?: string;
  systemHigh?: string;
  groups?: Record<string, string[]>;
  exercise?: boolean;
  /** Only an FDO may opt their own nation in to automatic release at creation. */
  releasePolicy?: Omit<ReleasePolicy, 'autoReleaseNations'> & { autoReleaseNations?: string[] };
  /** Whether other nations suggest changes to a paragraph (default) or edit it directly. */
  crossNationEditing?: CrossNationEditing;
}

/** What each route answers on success. */
export interface RestAnswers {
  'GET /api/config': PublicConfig;
  'GET /api/dev/personas': { personas: readonly Persona[] };
  'POST /api/dev/token': { token: string };
  'GET /api/workspace-templates': { templates: readonly CellTemplate[] };
  'GET /api/workspaces': { workspaces: WorkspaceSummary[] };
  'POST /api/workspaces': { workspace: WorkspaceSummary };
  /** Exercise control starts a scenario: its cells, created as exercise cells, clock stopped at STARTEX. */
  'POST /api/exercises': { exercise: { scenarioId: string; cells: WorkspaceSummary[] } };
  'GET /api/workspaces/:id/audit': AuditTrailPage;
  'GET /api/workspaces/:id/figures': { figures: SharingFigures };
  'GET /api/workspaces/:id/objects/:objectId/track': FeatureTrack;
  'GET /api/workspaces/:id/tracks': CellTracks;
}
