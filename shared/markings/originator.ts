// Rules a marking text can only break once its originator is known, so they are checked where a
// marking is given to material (create, re-mark, release, inject), never when a stored envelope is
// read back (one old object must not stop the server from serving the others):
// - a REL TO list names the originating nation, directly or through a group: the originator
//   always sees its own material, and the banner must say so (ISM-ID-00214: a US REL TO list
//   starts with USA; canonicalRelTo writes the lead nation first once it is reached);
// - a control the policy reserves to the lead nation's own material (RELIDO, ISM-ID-00124:
//   "RELIDO is not authorized for non-US portions") is refused on another nation's.
import { MarkingError } from './errors';
import { formatBanner } from './format';
import { expandName, type ControlKind, type MarkingPolicy } from './policy';
import type { Marking } from './types';

/**
 * Throws a MarkingError, naming the control as typed in `text`, when `marking` (parsed from `text`,
 * its originator set; absent: the lead nation) breaks a rule of its originator.
 */
export function checkOriginatorRules(text: string, marking: Marking, policy: MarkingPolicy): void {
  const originator = marking.originator ?? policy.leadNation;
  const relTo = policy.controls.relTo.banner;
  if (marking.relTo.length > 0 && !marking.relTo.some((name) => expandName(name, policy)?.includes(originator))) {
    const [token, position] = controlAt(text, 'relTo', policy);
    const fixed = formatBanner({ ...marking, relTo: [originator, ...marking.relTo], originator }, policy);
    throw new MarkingError(
      `${relTo} ${marking.relTo.join(', ')} leaves out ${originator}, the nation this material comes from: ${relTo} names the originator too. Mark it ${fixed}.`,
      token,
      position,
    );
  }
  for (const kind of policy.leadNationOnly) {
    if (!marking[kind] || originator === policy.leadNation) continue;
    const [token, position] = controlAt(text, kind, policy);
    const spelling = policy.controls[kind].banner;
    throw new MarkingError(
      `${spelling} is only for ${policy.leadNation} material; this comes from ${originator}. Name the nations it is released to with ${relTo} ${originator}, … instead.`,
      token,
      position,
    );
  }
}

/** The control `kind` as typed in `text` and its index (the first of its spellings found as whole words). */
function controlAt(text: string, kind: ControlKind, policy: MarkingPolicy): [string, number] {
  const upper = text.toUpperCase();
  const spellings = [...policy.controls[kind].aliases].sort((a, b) => b.length - a.length);
  for (const alias of spellings) {
    const words = alias.split(' ').map((w) => w.replace(/[^A-Z0-9]/g, '')).join('\\s+');
    const match = new RegExp(`(?:^|[^A-Z0-9])(${words})(?![A-Z0-9])`).exec(upper);
    if (match) {
      const start = match.index + match[0].length - match[1]!.length;
      return [text.slice(start, start + match[1]!.length), start];
    }
  }
  return [policy.controls[kind].banner, -1];
}
