// A join's answer in pages. The envelopes a participant may see in a large cell (about 27,000
// objects and more at the default bound) would make one answer larger than the output the server
// may hold for a socket (TEARLINE_MAX_PENDING_OUTPUT_BYTES), and the next packet sent while the
// client still reads it would end the session as a slow reader. So such a join answers a first
// page and a cursor; `workspace:objects` answers the next page, asked for once the client has
// the previous one, so the output pending for it never holds more than a page or so.
//
// What a page must not reveal (DESIGN.md, invariant 1): every envelope in it is visible to the
// reader when the page is made; where a page ends depends only on the sizes of visible envelopes;
// there is no total; the cursor is a random token the server maps to its place, so it encodes no
// id, position or count, and a client cannot start a listing at a place of its choosing (a
// hidden object's place would tell what was created around it).
import { randomBytes } from 'node:crypto';
import type { Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import { TearlineError } from '../errors';
import { envelopeFor } from '../objects/envelopeView';
import type { IndexedObject } from '../objects/objectIndex';
import type { Cell } from './cellRegistry';

/** One page of a listing: its envelopes, and the cursor of the next page while there is one. */
export interface ObjectsPage {
  objects: Envelope[];
  next?: string;
}

/** Where one socket's listing of one cell goes on: after the object whose index `seq` this is. */
interface Listing {
  cursor: string;
  afterSeq: number;
}

/** Per socket (the key), per cell: the listing under way. Small: a token and a number. */
const listings = new WeakMap<object, Map<string, Listing>>();

/**
 * Characters an envelope takes in an answer's JSON, near enough: its strings, and the keys and
 * punctuation around them (escapes aside; a page's budget is a quarter of the bound).
 */
const ENVELOPE_KEYS_CHARS = 200;
function charsOf(envelope: Envelope): number {
  let chars = ENVELOPE_KEYS_CHARS;
  for (const value of Object.values(envelope)) if (typeof value === 'string') chars += value.length;
  return chars;
}

/** The page budget for a bound on pending output: a page, a doc:sync answer and fan-out all fit under it. */
export function pageChars(maxPendingOutputBytes: number): number {
  return Math.max(1, Math.floor(maxPendingOutputBytes / 4));
}

/**
 * The objects of a join's answer. When all of those `reader` may see fit in `maxPendingOutputBytes`,
 * they are answered whole, as a join always answered; otherwise the first page, with the cursor
 * of the next. Either way any listing this socket had of the cell ends (a join starts afresh).
 */
export function joinListing(socket: object, cell: Cell, reader: Participant, maxPendingOutputBytes: number): ObjectsPage {
  stopListing(socket, cell.workspace.id);
  const visible: IndexedObject[] = [];
  let chars = 0;
  for (const entry of cell.index.all()) {
    if (!cell.index.canSee(reader, entry.envelope.id)) continue;
    visible.push(entry);
    chars += charsOf(entry.envelope);
  }
  if (chars <= maxPendingOutputBytes) return { objects: visible.map((entry) => envelopeFor(cell.index, entry.envelope, [reader])) };
  return page(socket, cell, reader, visible, pageChars(maxPendingOutputBytes));
}

/** The next page of this socket's listing of the cell; a cursor that is not the one last given answers `conflict`. */
export function nextPage(socket: object, cell: Cell, reader: Participant, cursor: string, maxPendingOutputBytes: number): ObjectsPage {
  const listing = listings.get(socket)?.get(cell.workspace.id);
  if (listing?.cursor !== cursor) {
    throw new TearlineError(
      'conflict',
      "This list of the cell's objects is no longer open (the cell was joined again or left, or the page was already given): join the cell again to list its objects.",
    );
  }
  stopListing(socket, cell.workspace.id);
  const after = cell.index.after(listing.afterSeq);
  return page(socket, cell, reader, filter(after, (entry) => cell.index.canSee(reader, entry.envelope.id)), pageChars(maxPendingOutputBytes));
}

/** Ends the socket's listing of a cell (it left the cell, or joined it again). */
export function stopListing(socket: object, workspaceId: string): void {
  const open = listings.get(socket);
  open?.delete(workspaceId);
  if (open?.size === 0) listings.delete(socket);
}

/**
 * Fills a page from `visible` (the reader's visible objects in index order) up to `budget`
 * characters, at least one object; when a visible object is left over, the listing goes on after
 * the last one taken, under a fresh cursor.
 */
function page(socket: object, cell: Cell, reader: Participant, visible: Iterable<IndexedObject>, budget: number): ObjectsPage {
  const objects: Envelope[] = [];
  let chars = 0;
  let lastSeq = -1;
  for (const entry of visible) {
    const envelope = envelopeFor(cell.index, entry.envelope, [reader]);
    chars += charsOf(envelope);
    if (objects.length > 0 && chars > budget) {
      const cursor = randomBytes(16).toString('base64url');
      let open = listings.get(socket);
      if (!open) listings.set(socket, (open = new Map()));
      open.set(cell.workspace.id, { cursor, afterSeq: lastSeq });
      return { objects, next: cursor };
    }
    objects.push(envelope);
    lastSeq = entry.seq;
  }
  return { objects };
}

function* filter<T>(items: Iterable<T>, keep: (item: T) => boolean): Generator<T> {
  for (const item of items) if (keep(item)) yield item;
}
