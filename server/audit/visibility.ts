// What one reader (an FDO or admin of the cell) may see of the audit trail. Invariant 1 holds for
// the log too: what the reader may not see leaves no trace in what they are shown. So
// - an entry about an object the reader may not see now is left out whole;
// - each shown entry is projected field by field, per action (SHOWN_DETAIL): a field not listed
//   there is never shown, so a field added to an entry later stays in the log until someone
//   decides who may read it;
// - no seq and no hashes: seq numbers are global and the hashes chain entries, so either would
//   count the entries left out (this cell's and every other cell's). Pages are filled with shown
//   entries only, and their cursors are opaque (cursor.ts).
// Verification needs the whole chain and is the CLI's job (`tearline audit verify`).
import { canSee, MarkingError, parseMarking, participantFromLevelKey, type MarkingPolicy, type Participant } from '../../shared/markings';
import { AUDIT_PAGE_MAX, type AuditAction, type AuditView, type Json } from '../../shared/rest';
import type { AuditEntry } from './entry';
import type { AuditLog } from './log';

export interface AuditViewer {
  /** The cell being read; entries of other cells are never shown. */
  workspaceId: string;
  participant: Participant;
  policy: MarkingPolicy;
  /** The object if the reader may see it now (undefined when hidden or gone). */
  visibleObject(id: string): { originator: string } | undefined;
  /** The marking a release request was made against: the object's marking while it was discussed. */
  requestedFrom(requestId: string): string | undefined;
  /** Exercise control (EXCON) reads the MSEL's ground truth; nobody else does. */
  excon?: boolean;
}

/**
 * Entries only EXCON reads: the MSEL's own state changes name injects, and an inject not yet
 * released (or released to others only) must leave no trace for players. What a released inject
 * became is `exercise.inject`, one entry per version object, filtered like that object.
 */
const EXCON_ONLY: ReadonlySet<AuditAction> = new Set(['exercise.msel', 'exercise.action', 'exercise.plan', 'exercise.observe']);

/** Entries carrying a marked text of their own (`detail.marking`, `detail.originator`): hidden whole from a reader who may not read it. */
const MARKED_ENTRIES: ReadonlySet<AuditAction> = new Set(['exercise.observe']);

const EXERCISE_TIME: Record<string, FieldRule> = { scenarioMs: 'shown', scenarioTime: 'shown' };

/**
 * How a detail field is shown:
 * - `shown`: as stored;
 * - `marking`: a marking of the entry's object, shown if the reader may see the object so marked.
 *   One they may not see is from a time the object was hidden from them: before a release to
 *   them, or the source's marking a tearline starts with;
 * - `object`: another object's id (a tearline's source), shown if the reader may see it now;
 * - `level`: an access level key, with only the compartments the reader holds;
 * - `position`: where a feature was placed or moved, shown if the reader may read the object as
 *   it was marked then (the entry's `marking`): it was content of that audience;
 * - `discussion`: what was said about a release request (justification, reason, the cause of an
 *   expiry), shown if the reader could see the object as marked when the request was made: it
 *   was written for that audience.
 */
type FieldRule = 'shown' | 'marking' | 'object' | 'level' | 'position' | 'discussion';

// `to`: where a feature was placed, read like a move's position (below).
const OBJECT_CREATED: Record<string, FieldRule> = { kind: 'shown', marking: 'marking', sourceId: 'object', to: 'position' };

const SHOWN_DETAIL: Record<AuditAction, Record<string, FieldRule>> = {
  'object.create': OBJECT_CREATED,
  'tearline.create': OBJECT_CREATED,
  'object.move': { marking: 'marking', shape: 'position', to: 'position' },
  // A deleted object's trail stays readable by those who could see it when it was deleted.
  'object.delete': { kind: 'shown', marking: 'marking' },
  'object.restore': { kind: 'shown', marking: 'marking' },
  'object.remark': { from: 'marking', to: 'marking', direction: 'shown', epoch: 'shown', requestId: 'shown' },
  'release.request': { requestId: 'shown', from: 'marking', to: 'marking', justification: 'discussion', deadline: 'shown' },
  'release.approve': { requestId: 'shown', to: 'marking' },
  'release.deny': { requestId: 'shown', reason: 'discussion', category: 'discussion' },
  'release.withdraw': { requestId: 'shown' },
  'release.auto': { requestId: 'shown', to: 'marking' },
  'release.expire': { requestId: 'shown', cause: 'discussion' },
  // Why a release could not be carried out names the object's marking as it stands.
  'release.fail': { requestId: 'shown', failure: 'discussion' },
  'release.policy': { nation: 'shown', autoRelease: 'shown' },
  'workspace.create': { name: 'shown', members: 'shown', exercise: 'shown' },
  'workspace.join': { level: 'level' },
  // `reason`: the server closed it at a restart, the session having been left open by a stop.
  'workspace.leave': { level: 'level', reason: 'shown' },
  'membership.change': { from: 'level', to: 'level' },
  // How many of the cell's sessions the stop left open; every member FDO already sees their joins.
  'server.restart': { sessionsClosed: 'shown' },
  // `objects` counts what the FDO and the partner level saw together: never shown.
  view_as: { level: 'level' },
  // `portions` and `withheld` count what the exporter saw: never shown.
  export: { banner: 'marking' },
  // The clock is every participant's (their banner shows it); so is a REAL WORLD reason.
  'exercise.clock': { ...EXERCISE_TIME, type: 'shown', status: 'shown', speed: 'shown', realWorld: 'shown', reason: 'shown' },
  'exercise.msel': { ...EXERCISE_TIME, injectId: 'shown', from: 'shown', to: 'shown', by: 'shown', reason: 'shown' },
  // About one version object (objectId): a reader who may not see it is shown nothing of it.
  'exercise.inject': { ...EXERCISE_TIME, injectId: 'shown', version: 'shown', objectIds: 'shown' },
  // An RFI's first answer (objectId): like the RFI, hidden whole from a reader who may not see it.
  'exercise.answer': { ...EXERCISE_TIME },
  // A player's expected action first seen (which the inject's conditions follow): EXCON only.
  'exercise.action': { ...EXERCISE_TIME, injectId: 'shown', shownBy: 'shown', nation: 'shown' },
  // A scenario participant joining the cell: a change of who is in it, for every member to see.
  'exercise.join': { ...EXERCISE_TIME, injectId: 'shown', participant: 'shown', nation: 'shown', nationAdded: 'shown' },
  // EXCON's own inject added to the MSEL, or a planned one changed: EXCON only, like the MSEL.
  'exercise.plan': { ...EXERCISE_TIME, injectId: 'shown', change: 'shown', at: 'shown', kind: 'shown', marking: 'shown', title: 'shown' },
  // An evaluator's observation: EXCON only, and only if its own marking is readable (MARKED_ENTRIES).
  'exercise.observe': { ...EXERCISE_TIME, injectId: 'shown', expectedAction: 'shown', text: 'shown', marking: 'shown', originator: 'shown', role: 'shown' },
  // About the comment (objectId); `on` is what it is on, shown only to who may see that now.
  'comment.create': { ...OBJECT_CREATED, on: 'object' },
  'comment.resolve': {},
  'comment.reopen': {},
  // About the suggestion (objectId), shown like it; `on` is its paragraph, `author` who suggested it.
  'suggestion.create': { ...OBJECT_CREATED, on: 'object' },
  'suggestion.accept': { on: 'object', author: 'shown' },
  'suggestion.reject': { on: 'object', author: 'shown' },
  // A cell setting is every member's to know.
  'workspace.settings': { crossNationEditing: 'shown' },
  // The version restored is named only to a reader who could read the object as marked then: an
  // audience a later release added never learns of versions from before its epoch.
  'history.restore': { marking: 'marking', version: 'position' },
};

/** The entry as `viewer` may see it, or undefined when it is not theirs to see at all. */
export function auditEntryFor(entry: AuditEntry, viewer: AuditViewer): AuditView | undefined {
  if (entry.workspaceId !== viewer.workspaceId) return undefined;
  if (EXCON_ONLY.has(entry.action) && !viewer.excon) return undefined;
  if (MARKED_ENTRIES.has(entry.action) && !mayReadMarking(String(entry.detail.marking), String(entry.detail.originator), viewer)) return undefined;
  const object = entry.objectId === null ? undefined : viewer.visibleObject(entry.objectId);
  if (entry.objectId !== null && !object) return undefined;
  // An action the server does not know (a hand-edited row) shows no detail.
  const rules = SHOWN_DETAIL[entry.action] ?? {};
  const detail: { [key: string]: Json } = {};
  for (const [key, rule] of Object.entries(rules)) {
    const value = entry.detail[key];
    if (value === undefined) continue;
    const shown = fieldFor(rule, value, entry, object, viewer);
    if (shown !== undefined) detail[key] = shown;
  }
  const { at, workspaceId, actor, action, objectId } = entry;
  return { at, workspaceId, actor, action, objectId, detail };
}

function fieldFor(rule: FieldRule, value: Json, entry: AuditEntry, object: { originator: string } | undefined, viewer: AuditViewer): Json | undefined {
  switch (rule) {
    case 'shown':
      return value;
    case 'marking':
      return typeof value === 'string' && object && mayReadMarking(value, object.originator, viewer) ? value : undefined;
    case 'object':
      return typeof value === 'string' && viewer.visibleObject(value) ? value : undefined;
    case 'level':
      return typeof value === 'string' ? levelFor(value, viewer) : undefined;
    case 'position': {
      const marking = entry.detail.marking;
      return typeof marking === 'string' && object && mayReadMarking(marking, object.originator, viewer) ? value : undefined;
    }
    case 'discussion': {
      const requestId = entry.detail.requestId;
      const from = typeof requestId === 'string' ? viewer.requestedFrom(requestId) : undefined;
      return from !== undefined && object && mayReadMarking(from, object.originator, viewer) ? value : undefined;
    }
    default:
      throw new Error(`unexpected audit field rule ${JSON.stringify(rule satisfies never)}`);
  }
}

/**
 * Whether the reader may see an object of `originator` marked `banner`; a banner that no longer
 * parses is not shown. Also decides whose eyes what was said about a release request was for
 * (the sharing figures' denial reasons).
 */
export function mayReadMarking(banner: string, originator: string, reader: Pick<AuditViewer, 'participant' | 'policy'>): boolean {
  try {
    return canSee(reader.participant, { ...parseMarking(banner, reader.policy), originator }, reader.policy);
  } catch (error) {
    if (error instanceof MarkingError) return false;
    throw error;
  }
}

/** Another participant's level (NATION|CLEARANCE|COMPARTMENTS) without the compartments the reader does not hold. */
function levelFor(level: string, viewer: AuditViewer): string | undefined {
  let other: Participant;
  try {
    other = participantFromLevelKey(level);
  } catch (error) {
    if (error instanceof MarkingError) return undefined;
    throw error;
  }
  const held = new Set(viewer.participant.compartments.map((c) => c.toUpperCase()));
  return [other.nation, other.clearance, other.compartments.filter((c) => held.has(c)).join(',')].join('|');
}

export interface ShownAuditEntry {
  /** Where the entry is in the log: for the next page's cursor only, never shown itself. */
  seq: number;
  entry: AuditView;
}

/**
 * Up to `limit` entries the viewer may see, after `afterSeq`, oldest first. The log is read on
 * past entries left out until the page is full, so a page's length says nothing about them.
 */
export async function visibleAuditPage(
  log: Pick<AuditLog, 'listForWorkspace'>,
  viewer: AuditViewer,
  afterSeq: number,
  limit: number,
): Promise<ShownAuditEntry[]> {
  const shown: ShownAuditEntry[] = [];
  for (let cursor = afterSeq; ; ) {
    const batch = await log.listForWorkspace(viewer.workspaceId, { afterSeq: cursor, limit: AUDIT_PAGE_MAX });
    for (const entry of batch) {
      const view = auditEntryFor(entry, viewer);
      if (!view) continue;
      shown.push({ seq: entry.seq, entry: view });
      if (shown.length === limit) return shown;
    }
    if (batch.length < AUDIT_PAGE_MAX) return shown;
    cursor = batch.at(-1)!.seq;
  }
}
