// Who may re-mark what: the one decision the server enforces on object:remark and the client uses
// to offer "Change marking" (or only "Request release"), so the two can never disagree.
import { grantsAccess } from './access';
import { defaultPolicy, type MarkingPolicy } from './policy';
import type { Marking } from './types';

export interface RemarkActor {
  nation: string;
  roles: readonly string[];
}

/**
 * What `actor` may do to the marking of material `originator` wrote: `none`, `narrow` (an editor
 * of the originating nation: no one may gain access) or `any` (an editor who is also its FDO:
 * widening is a release).
 */
export type RemarkRight = 'none' | 'narrow' | 'any';

export function remarkRight(actor: RemarkActor, originator: string): RemarkRight {
  if (!actor.roles.includes('editor') || actor.nation !== originator) return 'none';
  return actor.roles.includes('fdo') ? 'any' : 'narrow';
}

/** Why `actor` may not re-mark material of `originator` from `from` to `to`, in plain words; null when they may. */
export function remarkRefusal(actor: RemarkActor, originator: string, from: Marking, to: Marking, policy: MarkingPolicy = defaultPolicy): string | null {
  const right = remarkRight(actor, originator);
  if (right === 'none') {
    return actor.nation === originator
      ? 'Only editors re-mark objects.'
      : `Only the originating nation (${originator}) may re-mark this object.`;
  }
  if (right === 'narrow' && grantsAccess(from, to, policy)) {
    return `Widening a marking is a release: it needs a foreign disclosure officer of ${originator}. Ask for a release instead.`;
  }
  return null;
}
