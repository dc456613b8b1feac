// Comments, planned without I/O. A comment is an object of its own (kind `comment`) under what it
// is on (a reply: under the comment it answers), so the same access decisions, rooms and chain
// rule carry it: nobody sees a comment without seeing what it is on. Its marking may be no wider
// than that object's, and every nation it mentions must be able to read it; each refusal says what
// is wrong in terms of what the author already sees, never of anything hidden (nor of another
// person's clearance).
import { buildContent } from '../../shared/content';
import { canSee, dominates, formatBanner, type Marking, type Participant } from '../../shared/markings';
import type { Mention } from '../../shared/notifications';
import type { ClientPayload } from '../../shared/protocol';
import { forbidden, TearlineError } from '../errors';
import { markingFor, planObject, type Author } from '../objects/create';
import type { IndexedObject } from '../objects/objectIndex';
import type { NewDoc } from '../store/types';
import type { Cell } from '../workspaces/cellRegistry';
import type { CellPerson } from '../notifications/store';

/** Refuses a marking wider than `on`'s for a `noun` (comment, answer) written on it. */
export function checkNoWider(cell: Cell, marking: Marking, on: Pick<IndexedObject, 'marking' | 'envelope'>, noun: string): void {
  if (dominates(marking, on.marking, cell.policy)) return;
  throw new TearlineError(
    'bad_marking',
    `${noun} may not be marked wider than what it is on (${on.envelope.marking}): ${formatBanner(marking, cell.policy)} would let others read it. Mark it ${on.envelope.marking} or narrower.`,
  );
}

/**
 * Refuses a `marking` for `object` wider than what it is on, if it is a comment: by a re-mark, by a
 * release request, or at the approval of one (the parent may have narrowed since).
 */
export function checkCommentWithinParent(cell: Cell, object: IndexedObject, marking: Marking): void {
  const on = object.envelope.kind === 'comment' && object.envelope.parentId ? cell.index.get(object.envelope.parentId) : undefined;
  if (on) checkNoWider(cell, marking, on, 'A comment');
}

/** A comment-kind object under `on` holding `content`, its marking checked. Changes nothing. */
function planUnder(cell: Cell, author: Author, banner: string, on: IndexedObject, content: Uint8Array, noun: string): NewDoc {
  checkNoWider(cell, markingFor(cell, author, banner, author.participant.nation), on, noun);
  return planObject(cell, author, { workspaceId: cell.workspace.id, kind: 'comment', marking: banner, parentId: on.envelope.id, content }, { parent: on.envelope });
}

/** Builds the comment; refuses a marking wider than what it is on. Changes nothing. */
export function planComment(cell: Cell, author: Author, payload: ClientPayload<'comment:create'>, on: IndexedObject): NewDoc {
  return planUnder(cell, author, payload.marking, on, buildContent({ body: payload.text }), 'A comment');
}

/**
 * Builds the answer to an RFI: a comment-kind object marked at its own level (no wider than the
 * RFI: a partner reads it only where it is releasable), with `fields.rfiAnswer` true. Refuses an
 * empty answer and anything but an RFI. Changes nothing.
 */
export function planAnswer(cell: Cell, author: Author, payload: ClientPayload<'rfi:answer'>, rfi: IndexedObject): NewDoc {
  if (rfi.envelope.kind !== 'rfi') throw new TearlineError('bad_request', `Only a request for information can be answered; this is a ${rfi.envelope.kind}.`);
  const text = payload.text.trim();
  if (!text) throw new TearlineError('bad_request', 'An answer cannot be empty: write what you found, or leave the request open.');
  return planUnder(cell, author, payload.marking, rfi, buildContent({ fields: { rfiAnswer: true }, body: text }), 'An answer');
}

/**
 * Refuses a mention the author can already tell is pointless from what they see: a nation that is
 * not a member of the cell, or whose nation may never read the comment (its marking and every
 * marking above it, `chain`: NOFORN, not in REL TO). A person is judged by their nation only, as
 * shown to everyone in the cell, never by their clearance or compartments: refusing a mention of a
 * person who lacks the clearance would tell the author about that person's access. Such a mention
 * is accepted and nobody unable to read the comment is told (notifications are filtered by the
 * reader's access, server/notifications/service.ts).
 */
export function checkMentions(cell: Cell, chain: readonly Marking[], mentions: readonly Mention[], people: ReadonlyMap<string, CellPerson | undefined>): void {
  const banner = formatBanner(chain[0]!, cell.policy);
  const nationReads = (nation: string) => chain.every((marking) => canSee(nationWitness(chain, nation, cell.policy), marking, cell.policy));
  for (const mention of mentions) {
    if (mention.kind === 'nation') {
      if (!cell.workspace.members.includes(mention.nation)) {
        throw new TearlineError('bad_request', `${mention.nation} is not a member of this cell, so it cannot be mentioned here.`);
      }
      if (!nationReads(mention.nation)) {
        throw forbidden(`${mention.nation} may not read a comment marked ${banner} on this item, so it cannot be mentioned in it. Leave the mention out, or comment on material released to ${mention.nation}.`);
      }
      continue;
    }
    const person = people.get(mention.sub);
    if (!person) throw new TearlineError('bad_request', `Nobody called "${mention.sub}" has opened this cell; mention someone who has, or their nation (@GBR, say).`);
    if (!nationReads(person.participant.nation)) {
      throw forbidden(`${person.participant.nation} may not read a comment marked ${banner} on this item, so ${person.name} cannot be mentioned in it.`);
    }
  }
}

/** A member of `nation` with the highest clearance and every compartment the chain names. */
function nationWitness(chain: readonly Marking[], nation: string, policy: Cell['policy']): Participant {
  const top = policy.levels[policy.levels.length - 1]!;
  return { nation, clearance: top.code, compartments: [...new Set(chain.flatMap((m) => m.compartments))] };
}

/** A thread resolved or reopened: a durable write of a comment's `resolved` field (true or false). */
export function threadChange(kind: string, written: ReadonlyMap<string, unknown>): 'comment.resolve' | 'comment.reopen' | null {
  if (kind !== 'comment' || !written.has('resolved')) return null;
  return written.get('resolved') === true ? 'comment.resolve' : 'comment.reopen';
}
