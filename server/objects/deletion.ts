// Deleting and restoring objects. A deleted object leaves every client (`object:removed`
// to each level that saw it, so their replicas and local caches drop it) and every answer; its
// envelope, doc and audit trail stay under a tombstone, so an undo within DELETE_UNDO_MS puts it
// back whole, and those who could see it can still read its audit trail. A report goes with its
// portions. Only editors of the originating nation delete or restore (as they re-mark). Other
// nodes apply both from the relay (server/relay/receiver.ts), and every store refuses a write to
// a deleted object, so a node that has not heard of a deletion yet stores nothing for it either.
import type { Envelope } from '../../shared/protocol';
import type { AuditAction, AuditActor, Json } from '../../shared/rest';
import type { AuditLog } from '../audit/log';
import { forbidden, notFound } from '../errors';
import type { Fanout } from '../rooms/fanout';
import type { DocRegistry } from './docRegistry';
import type { Tombstone } from '../store/types';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import type { Author } from './create';
import type { IndexedObject } from './objectIndex';

/** How long after a deletion its undo is accepted: long enough to notice a slip, short enough that a deletion means it. */
export const DELETE_UNDO_MS = 5 * 60_000;

export function checkOriginator(author: Author, originator: string, what: string): void {
  if (author.participant.nation !== originator) throw forbidden(`Only the originating nation (${originator}) may ${what} this object.`);
}

export interface DeletionPorts {
  cells: Pick<CellRegistry, 'deleteObjects' | 'restoreObjects'>;
  /** A deleted object's live doc is closed at once (other nodes close theirs from the relay): nothing reads it until an undo. */
  docs: Pick<DocRegistry, 'drop'>;
  audit: Pick<AuditLog, 'append'>;
  fanout: Pick<Fanout, 'envelope' | 'removed'>;
  /** Presence pointing into these objects is sent again, filtered (a deleted object is seen by nobody). */
  audienceChanged(cell: Cell, objectIds: ReadonlySet<string>): Promise<void>;
}

/** Deletes a visible object and everything under it; answers until when it can be restored. */
export async function deleteObject(ports: DeletionPorts, cell: Cell, author: Author, entry: IndexedObject, actor: AuditActor, now = Date.now()): Promise<{ undoUntil: string }> {
  checkOriginator(author, entry.envelope.originator, 'delete');
  const { kind, marking } = entry.envelope;
  await removeObject(ports, cell, entry, actor, { action: 'object.delete', detail: { kind, marking } }, now);
  return { undoUntil: new Date(now + DELETE_UNDO_MS).toISOString() };
}

/**
 * Takes an object and everything under it out of every client and answer, under a tombstone,
 * audited as `audit` says (a deletion, or a decided suggestion). Rights are the caller's to check.
 */
export async function removeObject(
  ports: DeletionPorts,
  cell: Cell,
  entry: IndexedObject,
  actor: AuditActor,
  audit: { action: AuditAction; detail: { [key: string]: Json } },
  now = Date.now(),
): Promise<void> {
  const ids = cell.index.subtree(entry.envelope.id);
  // Each object's own audience: a level told of a portion it never saw would learn its id.
  const audiences = ids.map((id) => ({ id, levels: cell.audience.levelsForObject(id) }));
  const deletedAt = new Date(now).toISOString();
  const tombstones: Tombstone[] = ids.map((objectId) => ({ objectId, workspaceId: cell.workspace.id, deletedAt, deletedBy: actor.sub }));
  const entryOf = { workspaceId: cell.workspace.id, actor, action: audit.action, objectId: entry.envelope.id, detail: audit.detail };
  // After an unknown commit outcome the registry reads the tombstones again (telling the rooms): a deletion that landed is audited.
  await ports.cells.deleteObjects(cell, tombstones, async () => {
    if (cell.index.deletedEntry(entry.envelope.id)?.deletedAt === deletedAt) await ports.audit.append(entryOf);
  });
  for (const id of ids) ports.docs.drop(id);
  await ports.audit.append(entryOf);
  for (const { id, levels } of audiences.reverse()) ports.fanout.removed(cell, id, levels);
  await ports.audienceChanged(cell, new Set(ids));
}

/**
 * Puts back an object deleted less than DELETE_UNDO_MS ago, with what was deleted with it. One
 * the author could not see when it was deleted answers `not_found` like an absent one; a portion
 * whose report is deleted too comes back only with its report.
 */
export async function restoreObject(ports: DeletionPorts, cell: Cell, author: Author, id: string, actor: AuditActor, now = Date.now()): Promise<Envelope> {
  const entry = cell.index.deletedEntry(id);
  if (!entry || !cell.index.couldSeeDeleted(author.participant, id)) throw notFound();
  const parent = entry.envelope.parentId;
  checkOriginator(author, entry.envelope.originator, 'restore');
  if (parent !== null && cell.index.deletedEntry(parent)) throw forbidden('The report this paragraph belongs to is deleted: restore the report.');
  if (now - Date.parse(entry.deletedAt) > DELETE_UNDO_MS) {
    throw forbidden(`This deletion can no longer be undone: undo is possible for ${DELETE_UNDO_MS / 60_000} minutes after it.`);
  }
  const ids = [id];
  for (let i = 0; i < ids.length; i++) {
    ids.push(...cell.index.deletedChildrenOf(ids[i]!).filter((child) => cell.index.deletedEntry(child)?.deletedAt === entry.deletedAt));
  }
  const restored = { workspaceId: cell.workspace.id, actor, action: 'object.restore' as const, objectId: id, detail: { kind: entry.envelope.kind, marking: entry.envelope.marking } };
  // As for a deletion: an undo found to have landed is audited.
  await ports.cells.restoreObjects(cell, ids, async () => {
    if (cell.index.get(id)) await ports.audit.append(restored);
  });
  await ports.audit.append(restored);
  for (const objectId of ids) {
    ports.fanout.envelope(cell, 'object:added', cell.index.get(objectId)!.envelope, cell.audience.levelsForObject(objectId));
  }
  return cell.index.get(id)!.envelope;
}
