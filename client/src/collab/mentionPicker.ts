// Who a comment may mention, as the author types "@…": the cell's nations that may read the
// comment (its marking as typed, and what it is on), and the people present whose nation may.
// Nobody is filtered by clearance: the client does not know it, and the server never tells it
// (a person who may not read the comment is accepted and simply not notified).
// Pure: the server checks every mention again (server/comments/plan.ts checkMentions).
import { parseMarking, releasableNations, type MarkingPolicy } from '../../../shared/markings';
import type { PresenceState } from '../../../shared/protocol';

export interface MentionCandidate {
  /** What goes after the "@": a nation trigraph or a person's subject. */
  token: string;
  label: string;
}

/** The "@word" being typed at the end of `text`, or null when the caret is not in a mention. */
export function mentionQuery(text: string): string | null {
  const match = /(?:^|[^\w@])@([A-Za-z0-9_.:-]*)$/.exec(text);
  return match ? match[1]! : null;
}

/** Nations that may read every one of `markings` (each with its originator); none when one does not parse. */
function readers(markings: readonly { marking: string; originator: string }[], policy: MarkingPolicy): Set<string> | null {
  let out: Set<string> | null = null;
  for (const { marking, originator } of markings) {
    let nations: string[];
    try {
      nations = releasableNations({ ...parseMarking(marking, policy), originator }, policy);
    } catch {
      return null;
    }
    out = out ? new Set(nations.filter((n) => out!.has(n))) : new Set(nations);
  }
  return out;
}

/**
 * The candidates for `query`: member nations that may read the comment and what it is on, then
 * the people present of those nations, each matching the query by its start (case-insensitive).
 */
export function mentionCandidates(
  query: string,
  chain: readonly { marking: string; originator: string }[],
  members: readonly string[],
  people: readonly Pick<PresenceState, 'sub' | 'name' | 'nation'>[],
  policy: MarkingPolicy,
): MentionCandidate[] {
  const may = readers(chain, policy);
  if (!may) return [];
  const q = query.toLowerCase();
  const nations = members.filter((nation) => may.has(nation)).map((nation) => ({ token: nation, label: `${nation} (everyone of ${nation} in the cell)` }));
  const seen = new Set<string>();
  const persons = people.flatMap((person) => {
    if (!may.has(person.nation) || seen.has(person.sub)) return [];
    seen.add(person.sub);
    return [{ token: person.sub, label: `${person.name} (${person.nation})` }];
  });
  return [...nations, ...persons].filter((c) => c.token.toLowerCase().startsWith(q) || c.label.toLowerCase().startsWith(q));
}

/** `text` with the "@query" at its end completed to "@token ". */
export function completeMention(text: string, token: string): string {
  return text.replace(/@([A-Za-z0-9_.:-]*)$/, `@${token} `);
}
