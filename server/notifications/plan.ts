// Who is told what, decided without I/O: the notifications a release step, a write to an RFI or a
// new comment causes, and which stored notifications a reader may be given (those about an object
// they may see now, whatever it was when the notification was made).
import { randomUUID } from 'node:crypto';
import { releasableNations, type Participant } from '../../shared/markings';
import type { Mention, Notification, NotificationTarget } from '../../shared/notifications';
import type { Envelope } from '../../shared/protocol';
import type { ReleaseRequest } from '../../shared/release';
import type { ObjectIndex } from '../objects/objectIndex';
import type { Reader, StoredNotification } from './store';

/** Who caused a notification, as its readers see them. */
export type Actor = { name: string; nation: string } | null;

/** A release effect's addressee (server/release/machine.ts NotifyTarget). */
export type ReleaseAddressee = { kind: 'participant'; sub: string } | { kind: 'fdos'; nation: string };

const DECIDED: ReadonlySet<ReleaseRequest['state']> = new Set(['approved', 'denied', 'auto_released', 'expired', 'failed']);

function draft(target: NotificationTarget, base: Omit<Notification, 'read' | 'id' | 'at'>, at: Date): StoredNotification {
  return { target, notification: { id: randomUUID(), at: at.toISOString(), ...base } };
}

/**
 * For one of the release machine's notify effects: a new request for the FDOs, the outcome for the
 * requester, and, once released, the news for each nation the release reaches for the first time.
 */
export function releaseNotifications(index: ObjectIndex, to: ReleaseAddressee, request: ReleaseRequest, at: Date): StoredNotification[] {
  const about = { workspaceId: request.workspaceId, objectId: request.objectId, requestId: request.id };
  if (to.kind === 'fdos') {
    if (request.state !== 'pending') return [];
    const actor = { name: request.requestedBy.name, nation: request.requestedBy.nation };
    return [draft({ kind: 'fdos', nation: to.nation }, { ...about, kind: 'release_requested', actor }, at)];
  }
  if (!DECIDED.has(request.state)) return [];
  const decidedBy = 'decidedBy' in request && request.decidedBy ? { name: request.decidedBy.name, nation: request.decidedBy.nation } : null;
  const reason = request.state === 'denied' ? request.reason : request.state === 'failed' ? request.failure : undefined;
  const out = [
    draft({ kind: 'person', sub: to.sub }, { ...about, kind: 'release_decided', actor: decidedBy, outcome: request.state, ...(reason ? { reason } : {}) }, at),
  ];
  if (request.state === 'approved' || request.state === 'auto_released') {
    out.push(...releasedToMe(index, { ...about, originator: request.originator, from: request.fromMarking, to: request.targetMarking }, decidedBy, at));
  }
  return out;
}

/** What a widening changed: the object, its originator, and its banner before and after. */
export interface Widening {
  workspaceId: string;
  objectId: string;
  requestId?: string;
  originator: string;
  from: string;
  to: string;
}

/** "Released to me" for each nation a re-marking (a release, or a direct widening) reaches for the first time. */
export function releasedToMe(index: ObjectIndex, widening: Widening, actor: Actor, at: Date): StoredNotification[] {
  const { originator, from, to, ...about } = widening;
  const nations = (banner: string) => releasableNations(index.markingOf({ marking: banner, originator }), index.policy);
  const before = new Set(nations(from));
  return nations(to)
    .filter((nation) => !before.has(nation))
    .map((nation) => draft({ kind: 'nation', nation }, { ...about, kind: 'released_to_me', actor }, at));
}

/** An RFI newly assigned to a nation tells that nation. */
export function rfiNotifications(envelope: Envelope, written: ReadonlyMap<string, unknown>, actor: Actor, at: Date): StoredNotification[] {
  if (envelope.kind !== 'rfi') return [];
  const assigned = written.get('assignedNation');
  if (typeof assigned !== 'string' || !/^[A-Z]{3}$/.test(assigned)) return [];
  return [draft({ kind: 'nation', nation: assigned }, { workspaceId: envelope.workspaceId, objectId: envelope.id, actor, kind: 'rfi_assigned' }, at)];
}

/**
 * An answer (rfi:answer) tells the nation that asked, about the answer itself: only those who may
 * read the answer (its own marking, and the RFI's above it) are told.
 */
export function answerNotifications(answer: Envelope, rfi: Envelope, actor: Actor, at: Date): StoredNotification[] {
  return [draft({ kind: 'nation', nation: rfi.originator }, { workspaceId: answer.workspaceId, objectId: answer.id, actor, kind: 'rfi_answered' }, at)];
}

/** A new comment tells whom it mentions and, for a reply, the author of the comment replied to. */
export function commentNotifications(comment: Envelope, mentions: readonly Mention[], repliedTo: Envelope | undefined, actor: Actor, at: Date): StoredNotification[] {
  const about = { workspaceId: comment.workspaceId, objectId: comment.id, actor };
  const out = mentions.map((mention) =>
    draft(mention.kind === 'person' ? { kind: 'person', sub: mention.sub } : { kind: 'nation', nation: mention.nation }, { ...about, kind: 'mention' }, at),
  );
  const mentioned = new Set(mentions.map((m) => (m.kind === 'person' ? m.sub : '')));
  if (repliedTo && repliedTo.createdBy !== comment.createdBy && !mentioned.has(repliedTo.createdBy)) {
    out.push(draft({ kind: 'person', sub: repliedTo.createdBy }, { ...about, kind: 'reply' }, at));
  }
  return out;
}

/**
 * A new suggestion tells the paragraph's nation (whose editors decide it); a decision tells the
 * suggester, unless they withdrew it themselves. Both are about the paragraph, which every reader
 * of the suggestion sees, and which stays when the suggestion is gone.
 */
export function suggestionNotifications(
  paragraph: Envelope,
  suggestion: Envelope,
  decision: 'accepted' | 'rejected' | null,
  actor: { sub: string; name: string; nation: string },
  at: Date,
): StoredNotification[] {
  const about = { workspaceId: paragraph.workspaceId, objectId: paragraph.id, actor: { name: actor.name, nation: actor.nation } };
  if (decision === null) return [draft({ kind: 'nation', nation: paragraph.originator }, { ...about, kind: 'suggestion_made' }, at)];
  if (suggestion.createdBy === actor.sub) return [];
  return [draft({ kind: 'person', sub: suggestion.createdBy }, { ...about, kind: 'suggestion_decided', outcome: decision }, at)];
}

/** Whether a target names this reader. */
export function addresses(target: NotificationTarget, reader: Reader): boolean {
  switch (target.kind) {
    case 'person':
      return target.sub === reader.sub;
    case 'nation':
      return target.nation === reader.nation;
    case 'fdos':
      return reader.fdo && target.nation === reader.nation;
  }
}

/** What a reader may be given: notifications about objects they may see now. Nothing else is told. */
export function visibleNotifications<N extends Pick<Notification, 'objectId'>>(index: ObjectIndex, participant: Participant, notifications: readonly N[]): N[] {
  return notifications.filter((n) => index.canSee(participant, n.objectId));
}
