// The release-request state machine, pure: no clock, no store, no sockets. The server loads the
// request and the object, calls `transition`, saves the new request (insert, or compare-and-set
// from `pending`), and only then carries out the effects in order.
//
//   (none) ──request──▶ pending ──approve──▶ approved        (FDO of the originator nation)
//                          │────deny─────▶ denied           (same FDOs, reason mandatory)
//                          │────withdraw─▶ withdrawn        (the requester)
//                          └───deadline──▶ auto_released    (cell and originator opted in, not ORCON)
//                                       └▶ expired          (otherwise; the cause is kept)
//   approved / auto_released ──re-mark fails──▶ failed      (the server, with the reason)
// Every state but `pending` is final, except that a release the server could not carry out is
// recorded as `failed` rather than left claiming a marking the object does not have. A request is
// decided against the marking it was made for: once the object is re-marked, approving it is
// refused and its deadline expires it.
import {
  checkOriginatorRules,
  classificationRank,
  formatBanner,
  MarkingError,
  parseMarking,
  remarkEffect,
  type Marking,
  type MarkingPolicy,
} from '../../shared/markings';
import type { Role } from '../../shared/protocol';
import type { AuditActor } from '../../shared/rest';
import { SYSTEM_ACTOR, type AuditDraft } from '../audit/entry';
import { notFound } from '../errors';
import { deadlineFor, type ReleasePolicy } from './policy';
import { autoReleaseRefusal, baseOf, type DenialCategory, type ExpiryCause, type ReleaseRequest, type ReleaseRequestBase, type RequestParty } from '../../shared/release';

/** Longest justification or denial reason, in characters after trimming. */
export const TEXT_MAX = 2000;

export interface ParticipantActor {
  sub: string;
  name: string;
  nation: string;
  roles: readonly Role[];
}

/** A participant (from their verified token), or the server itself for deadlines. */
export type ReleaseActor = ParticipantActor | 'system';

export type ReleaseAction =
  | { type: 'request'; id: string; targetMarking: string; justification: string }
  | { type: 'approve' }
  /** `category` left out: `other` (the reason says why). */
  | { type: 'deny'; reason: string; category?: DenialCategory }
  | { type: 'withdraw' }
  | { type: 'deadline' };

/** The object as the server's index holds it (an IndexedObject fits). */
export interface ReleaseObject {
  envelope: { id: string; workspaceId: string; originator: string; marking: string };
  /** Parsed, with `originator` set. */
  marking: Marking;
}

/** The cell the request lives in (a Cell from the cell registry fits). */
export interface ReleaseCell {
  workspace: { id: string; systemHigh: string; releasePolicy?: ReleasePolicy };
  policy: MarkingPolicy;
}

export interface ReleaseContext {
  cell: ReleaseCell;
  /** The object now; undefined when it no longer exists. */
  object: ReleaseObject | undefined;
  /** Whether the acting participant may see the object now, parent chain included. Unused for 'system'. */
  actorCanSee: boolean;
}

export type NotifyTarget =
  /** The FDOs of a nation in a cell (the server sends only to those who may see the object). */
  | { kind: 'fdos'; workspaceId: string; nation: string }
  | { kind: 'participant'; sub: string };

export type ReleaseEffect =
  | { type: 'audit'; entry: AuditDraft }
  /** Re-mark the object (a widening: new epoch), audited as `actor` with the request id. */
  | { type: 'remark'; objectId: string; marking: Marking; actor: AuditActor; requestId: string }
  | { type: 'notify'; to: NotifyTarget; request: ReleaseRequest }
  /** A new deadline: wake the scheduler. */
  | { type: 'schedule'; requestId: string; deadline: Date };

export type ReleaseErrorCode = 'not_found' | 'forbidden' | 'conflict' | 'bad_request' | 'bad_marking';

export type TransitionResult =
  | { ok: true; request: ReleaseRequest; effects: ReleaseEffect[] }
  | { ok: false; error: { code: ReleaseErrorCode; message: string } };

export function transition(
  request: ReleaseRequest | null,
  action: ReleaseAction,
  actor: ReleaseActor,
  now: Date,
  context: ReleaseContext,
): TransitionResult {
  if (action.type === 'request') {
    return request ? fail('conflict', 'This release request already exists.') : open(action, actor, now, context);
  }
  if (!request) return fail('not_found', 'No such release request.');
  switch (action.type) {
    case 'approve':
      return approve(request, actor, now, context);
    case 'deny':
      return deny(request, action, actor, now, context);
    case 'withdraw':
      return withdraw(request, actor, now);
    case 'deadline':
      return applyDeadline(request, actor, now, context);
    default:
      return unexpected(action);
  }
}

function open(
  action: Extract<ReleaseAction, { type: 'request' }>,
  actor: ReleaseActor,
  now: Date,
  { cell, object, actorCanSee }: ReleaseContext,
): TransitionResult {
  if (actor === 'system') return fail('forbidden', 'Release requests are made by participants, not by the server.');
  if (!object || !actorCanSee || object.envelope.workspaceId !== cell.workspace.id) return fail('not_found', notFound().message);
  if (!actor.roles.includes('editor')) return fail('forbidden', 'Only an editor may ask for a release.');
  const justification = checkedText(action.justification, 'the justification', 'why the partners need it');
  if (typeof justification !== 'string') return justification;
  const target = widenedMarking(object, action.targetMarking, cell);
  if ('error' in target) return fail(target.error.code, target.error.message);
  const requestedAt = now.toISOString();
  const created: ReleaseRequest = {
    id: action.id,
    workspaceId: cell.workspace.id,
    objectId: object.envelope.id,
    originator: object.envelope.originator,
    fromMarking: object.envelope.marking,
    targetMarking: formatBanner(target.marking, cell.policy),
    justification,
    requestedBy: party(actor),
    requestedAt,
    deadline: deadlineFor(cell.workspace.releasePolicy, now).toISOString(),
    state: 'pending',
  };
  return done(created, [
    audit(created, 'release.request', auditActor(actor), requestedAt, {
      from: created.fromMarking,
      to: created.targetMarking,
      justification,
      deadline: created.deadline,
    }),
    notifyFdos(created),
    { type: 'schedule', requestId: created.id, deadline: new Date(created.deadline) },
  ]);
}

/** The checks shared by approve and deny: a visible object and an FDO of the originator nation. */
function checkDecider(request: ReleaseRequest, actor: ReleaseActor, context: ReleaseContext, verb: string): ParticipantActor | TransitionResult {
  if (actor === 'system') return fail('forbidden', `Only a foreign disclosure officer may ${verb} a release.`);
  if (!context.object || !context.actorCanSee || context.object.envelope.id !== request.objectId) return fail('not_found', notFound().message);
  if (!actor.roles.includes('fdo')) return fail('forbidden', `Only a foreign disclosure officer may ${verb} a release.`);
  if (actor.nation !== request.originator) {
    return fail('forbidden', `Only an FDO of ${request.originator}, the nation that originated this object, may ${verb} its release.`);
  }
  if (request.state !== 'pending') return fail('conflict', closedMessage(request));
  return actor;
}

function approve(request: ReleaseRequest, actor: ReleaseActor, now: Date, context: ReleaseContext): TransitionResult {
  const fdo = checkDecider(request, actor, context, 'approve');
  if (!isParticipant(fdo)) return fdo;
  const object = context.object!;
  if (object.envelope.marking !== request.fromMarking) {
    return fail(
      'conflict',
      `This object was re-marked ${object.envelope.marking} after the request (made at ${request.fromMarking}); deny it and ask for a new request.`,
    );
  }
  const target = widenedMarking(object, request.targetMarking, context.cell);
  if ('error' in target) return fail('conflict', `This release can no longer be applied: ${target.error.message}`);
  const closedAt = now.toISOString();
  const approved: ReleaseRequest = { ...baseOf(request), state: 'approved', closedAt, decidedBy: party(fdo) };
  const by = auditActor(fdo);
  return done(approved, [
    audit(approved, 'release.approve', by, closedAt, { to: approved.targetMarking }),
    { type: 'remark', objectId: approved.objectId, marking: target.marking, actor: by, requestId: approved.id },
    notifyRequester(approved),
    notifyFdos(approved),
  ]);
}

function deny(request: ReleaseRequest, { reason: reasonText, category = 'other' }: { reason: string; category?: DenialCategory }, actor: ReleaseActor, now: Date, context: ReleaseContext): TransitionResult {
  const fdo = checkDecider(request, actor, context, 'deny');
  if (!isParticipant(fdo)) return fdo;
  const reason = checkedText(reasonText, 'a reason', 'what the requester would need to change, so they can act on it');
  if (typeof reason !== 'string') return reason;
  const closedAt = now.toISOString();
  const denied: ReleaseRequest = { ...baseOf(request), state: 'denied', closedAt, decidedBy: party(fdo), reason, category };
  return done(denied, [audit(denied, 'release.deny', auditActor(fdo), closedAt, { reason, category }), notifyRequester(denied), notifyFdos(denied)]);
}

function withdraw(request: ReleaseRequest, actor: ReleaseActor, now: Date): TransitionResult {
  if (actor === 'system' || actor.sub !== request.requestedBy.sub) {
    return fail('forbidden', 'Only the participant who asked for this release may withdraw it.');
  }
  if (request.state !== 'pending') return fail('conflict', closedMessage(request));
  const closedAt = now.toISOString();
  const withdrawn: ReleaseRequest = { ...baseOf(request), state: 'withdrawn', closedAt };
  return done(withdrawn, [audit(withdrawn, 'release.withdraw', auditActor(actor), closedAt, {}), notifyFdos(withdrawn)]);
}

function applyDeadline(request: ReleaseRequest, actor: ReleaseActor, now: Date, { cell, object }: ReleaseContext): TransitionResult {
  if (actor !== 'system') return fail('forbidden', 'Deadlines are applied by the server, not by participants.');
  if (request.state !== 'pending') return fail('conflict', closedMessage(request));
  if (now.getTime() < Date.parse(request.deadline)) return fail('conflict', `This release request is not due until ${request.deadline}.`);
  const closedAt = now.toISOString();
  const outcome = deadlineOutcome(request, object, cell);
  if ('cause' in outcome) {
    const { cause } = outcome;
    const expired: ReleaseRequest = { ...baseOf(request), state: 'expired', closedAt, cause };
    return done(expired, [audit(expired, 'release.expire', SYSTEM_ACTOR, closedAt, { cause }), notifyRequester(expired), notifyFdos(expired)]);
  }
  const released: ReleaseRequest = { ...baseOf(request), state: 'auto_released', closedAt };
  return done(released, [
    audit(released, 'release.auto', SYSTEM_ACTOR, closedAt, { to: released.targetMarking }),
    { type: 'remark', objectId: released.objectId, marking: outcome.release, actor: SYSTEM_ACTOR, requestId: released.id },
    notifyRequester(released),
    notifyFdos(released),
  ]);
}

/**
 * The server's record that an approved or automatically released request could not be carried
 * out (its re-mark failed): the object keeps its marking, and the requester, the FDOs and the
 * audit trail get `failure`, a sentence a staff officer can act on. Not an action anyone takes,
 * so not part of `transition`.
 */
export function failRelease(request: ReleaseRequest, failure: string, now: Date): TransitionResult {
  if (request.state !== 'approved' && request.state !== 'auto_released') return fail('conflict', closedMessage(request));
  const closedAt = now.toISOString();
  const decidedBy = request.state === 'approved' ? request.decidedBy : null;
  const failed: ReleaseRequest = { ...baseOf(request), state: 'failed', closedAt, decidedBy, failure };
  return done(failed, [audit(failed, 'release.fail', SYSTEM_ACTOR, closedAt, { failure }), notifyRequester(failed), notifyFdos(failed)]);
}

/** At the deadline: the marking to release to, or why the request expires instead. */
function deadlineOutcome(request: ReleaseRequest, object: ReleaseObject | undefined, cell: ReleaseCell): { release: Marking } | { cause: ExpiryCause } {
  if (!object || object.envelope.id !== request.objectId) return { cause: 'object_gone' };
  if (object.envelope.marking !== request.fromMarking) return { cause: 'marking_changed' };
  const target = widenedMarking(object, request.targetMarking, cell);
  if ('error' in target) return { cause: 'marking_changed' };
  const refusal = autoReleaseRefusal(cell.workspace.releasePolicy, request.originator);
  if (refusal) return { cause: refusal };
  // ORCON: no release without the originator, so silence never releases it.
  if (object.marking.orcon || target.marking.orcon) return { cause: 'orcon' };
  return { release: target.marking };
}

/**
 * The target marking, parsed for the cell with the object's originator, if it is a release: at or
 * under system high, and giving access to someone new while taking it from no one (tightening is
 * a re-mark, not a release).
 */
function widenedMarking(
  object: ReleaseObject,
  text: string,
  cell: ReleaseCell,
): { marking: Marking } | { error: { code: 'bad_marking' | 'bad_request'; message: string } } {
  let target: Marking;
  try {
    target = { ...parseMarking(text, cell.policy), originator: object.envelope.originator };
    checkOriginatorRules(text, target, cell.policy);
  } catch (error) {
    if (error instanceof MarkingError) return { error: { code: 'bad_marking', message: error.message } };
    throw error;
  }
  const banner = formatBanner(target, cell.policy);
  if (classificationRank(target.classification, cell.policy) > classificationRank(cell.workspace.systemHigh, cell.policy)) {
    return { error: { code: 'bad_marking', message: `This cell is accredited up to ${cell.workspace.systemHigh}; ${banner} is above it.` } };
  }
  const current = object.marking;
  if (banner === object.envelope.marking) return { error: { code: 'bad_request', message: `The object is already marked ${banner}.` } };
  switch (remarkEffect(current, target, cell.policy)) {
    case 'widens':
      return { marking: target };
    case 'narrows':
    case 'mixed':
      return {
        error: {
          code: 'bad_request',
          message: `${banner} would hide this object from some who may see it as ${object.envelope.marking}; a release only adds readers (re-mark it to tighten).`,
        },
      };
    case 'same':
      return { error: { code: 'bad_request', message: `${banner} gives no one new access to this object (now ${object.envelope.marking}); ask for a wider marking.` } };
  }
}

/** Trimmed text, non-empty and at most TEXT_MAX characters, or the error naming what is missing. */
function checkedText(text: string, what: string, hint: string): string | TransitionResult {
  const trimmed = text.trim();
  if (trimmed.length === 0) return fail('bad_request', `Give ${what}: ${hint}.`);
  if (trimmed.length > TEXT_MAX) return fail('bad_request', `Keep ${what} under ${TEXT_MAX} characters (it has ${trimmed.length}).`);
  return trimmed;
}

function closedMessage(request: ReleaseRequest): string {
  switch (request.state) {
    case 'pending':
      return 'This release request is still waiting for a decision.';
    case 'approved':
      return `This release was already approved by ${request.decidedBy.name} (${request.decidedBy.nation}).`;
    case 'denied':
      return `This release was already denied by ${request.decidedBy.name} (${request.decidedBy.nation}).`;
    case 'withdrawn':
      return 'This release request was withdrawn by its requester.';
    case 'auto_released':
      return 'This object was already released automatically at the deadline.';
    case 'expired':
      return 'This release request expired at its deadline without a decision; ask for a new one.';
    case 'failed':
      return `This release could not be carried out. ${request.failure}`;
    default:
      return unexpected(request);
  }
}

function audit(
  request: ReleaseRequestBase,
  action: AuditDraft['action'],
  actor: AuditActor,
  at: string,
  detail: Record<string, string>,
): ReleaseEffect {
  return {
    type: 'audit',
    entry: { workspaceId: request.workspaceId, actor, action, objectId: request.objectId, at, detail: { requestId: request.id, ...detail } },
  };
}

function notifyFdos(request: ReleaseRequest): ReleaseEffect {
  return { type: 'notify', to: { kind: 'fdos', workspaceId: request.workspaceId, nation: request.originator }, request };
}

function notifyRequester(request: ReleaseRequest): ReleaseEffect {
  return { type: 'notify', to: { kind: 'participant', sub: request.requestedBy.sub }, request };
}

function party(actor: ParticipantActor): RequestParty {
  return { sub: actor.sub, name: actor.name, nation: actor.nation };
}

function auditActor(actor: ParticipantActor): AuditActor {
  return { sub: actor.sub, nation: actor.nation };
}

function isParticipant(value: ParticipantActor | TransitionResult): value is ParticipantActor {
  return !('ok' in value);
}

function done(request: ReleaseRequest, effects: ReleaseEffect[]): TransitionResult {
  return { ok: true, request, effects };
}

function fail(code: ReleaseErrorCode, message: string): TransitionResult {
  return { ok: false, error: { code, message } };
}

function unexpected(value: never): never {
  throw new Error(`unexpected release case: ${JSON.stringify(value)}`);
}
