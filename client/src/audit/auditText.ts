// Audit entries in words: who (or the server), what, and the detail as short "key: value" pairs,
// other objects named by their titles rather than their ids.
import { formatPosition } from '../../../shared/geo/coordinates';
import { AUDIT_PERSON_FIELDS } from '../../../shared/rest';
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
  'exercise.plan': 'Inject planned by EXCON',
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

/**
 * Detail fields holding other objects' ids, with the word shown for them. The server gives them
 * only to a reader who may see that object (server/audit/visibility.ts); the name comes from the
 * reader's own picture.
 */
const OBJECT_FIELDS: Record<string, string> = { sourceId: 'from', on: 'on', objectIds: 'items' };

/** An object's name for a reader: its title from their picture, else its stable name (worked out from the id alone). */
export type ObjectNamer = (id: string) => string;

function objectsText(value: unknown, nameOf: ObjectNamer): string {
  const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  return ids.length > 0 ? ids.map(nameOf).join(', ') : valueText(value);
}

/** A person a detail field names by account id, as the actor is shown: "Name (NAT)"; the account id for someone who never opened the cell. */
function personText(value: unknown, people: AuditEntry['people']): string {
  const person = typeof value === 'string' ? people[value] : undefined;
  return person ? `${person.name} (${person.nation})` : valueText(value);
}

/** 'from: SECRET//REL TO USA, AUS · to: SECRET//REL TO USA, AUS, JPN'; 'on: report “Harbour”'; 'author: Harriet Cole (GBR)' */
export function detailText(detail: AuditEntry['detail'], nameOf: ObjectNamer, people: AuditEntry['people'] = {}): string {
  return Object.entries(detail)
    .map(([key, value]) =>
      key in OBJECT_FIELDS
        ? `${OBJECT_FIELDS[key]}: ${objectsText(value, nameOf)}`
        : AUDIT_PERSON_FIELDS.includes(key)
          ? `${key}: ${personText(value, people)}`
          : `${key}: ${valueText(value)}`,
    )
    .join(' · ');
}
