// Audit entries in words: who (or the server), what, and the detail as short "key: value" pairs.
import { formatPosition } from '../../../shared/geo/coordinates';
import type { AuditEntry } from '../session/api';

type AuditAction = AuditEntry['action'];

export const ACTION_LABELS: Record<AuditAction, string> = {
  'object.create': 'Created',
  'object.remark': 'Re-marked',
  'object.move': 'Moved',
  'object.delete': 'Deleted',
  'object.restore': 'Deletion undone',
  'release.request': 'Release requested',
  'release.approve': 'Release approved',
  'release.deny': 'Release denied',
  'release.withdraw': 'Request withdrawn',
  'release.auto': 'Released automatically',
  'release.expire': 'Request expired',
  'release.fail': 'Release not carried out',
  'release.policy': 'Automatic release changed',
  'tearline.create': 'Tearline created',
  'workspace.create': 'Cell created',
  'workspace.join': 'Joined',
  'workspace.leave': 'Left',
  'membership.change': 'Membership changed',
  'server.restart': 'Server restarted',
  view_as: 'Viewed as a partner',
  export: 'Exported',
  'exercise.clock': 'Exercise clock',
  'exercise.msel': 'Inject state changed',
  'exercise.inject': 'Inject released',
  'exercise.answer': 'RFI answered',
  'exercise.action': 'Expected action seen',
  'exercise.join': 'Participant joined',
  'exercise.observe': 'Observation recorded',
  'comment.create': 'Commented',
  'comment.resolve': 'Thread resolved',
  'comment.reopen': 'Thread reopened',
  'suggestion.create': 'Change suggested',
  'suggestion.accept': 'Suggestion accepted',
  'suggestion.reject': 'Suggestion rejected',
  'workspace.settings': 'Cell settings changed',
  'history.restore': 'Earlier version restored',
};

/** Who acted, by name and nation ("Tom Hughes (GBR)"); the account name only for someone who never opened the cell. */
export function actorText(entry: Pick<AuditEntry, 'actor' | 'actorName'>): string {
  const { actor, actorName } = entry;
  return actor.nation === null ? 'Tearline server' : `${actorName ?? actor.sub} (${actor.nation})`;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number')) return formatPosition(value as [number, number], 'dd');
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

/** 'from: SECRET//REL TO USA, AUS · to: SECRET//REL TO USA, AUS, JPN' */
export function detailText(detail: AuditEntry['detail']): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${valueText(value)}`)
    .join(' · ');
}
