// Creating objects: a pure planner that checks an `object:create` and builds the new object (no
// I/O), and the step that carries a plan out: stored and indexed through the cell registry
// (store first), audited, then announced to the audiences that may see each object.
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { canSee, checkOriginatorRules, formatBanner, formatPortion, type Marking, type Participant } from '../../shared/markings';
import type { ClientPayload, Envelope, ObjectKind } from '../../shared/protocol';
import type { AuditAction, AuditActor } from '../../shared/rest';
import type { AuditLog } from '../audit/log';
import { notFound, TearlineError } from '../errors';
import type { Fanout } from '../rooms/fanout';
import type { NewDoc } from '../store/types';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import { checkMarkingForCell } from '../workspaces/workspaceService';
import { placedAt } from './moves';
import { appendedOrderKey, checkedOrderKey, keyAfter } from './orderKeys';
import { checkUpdate } from './updateCheck';

const EMPTY_DOC = Y.encodeStateAsUpdate(new Y.Doc());

/** Who creates or re-marks: all a planner needs to know of a session. */
export interface Author {
  sub: string;
  participant: Participant;
}

/** Parses a marking for this cell and originator (shared/markings/originator.ts), and checks its author could still see it. */
export function markingFor(cell: Cell, author: Author, text: string, originator: string): Marking {
  const marking: Marking = { ...checkMarkingForCell(cell.workspace, text), originator };
  checkOriginatorRules(text, marking, cell.policy);
  if (!canSee(author.participant, marking, cell.policy)) {
    throw new TearlineError(
      'bad_marking',
      `You could not see an object marked ${formatBanner(marking, cell.policy)}: it is above your clearance or outside your compartments or nation.`,
    );
  }
  return marking;
}

/** A chosen key (form checked), else right after the source for a tearline beside it, else after the last sibling its creator sees. */
function orderKeyFor(cell: Cell, author: Author, parentId: string | null, requested: string | undefined, sourceId: string | undefined): string {
  if (requested !== undefined) return checkedOrderKey(requested);
  const source = sourceId === undefined ? undefined : cell.index.get(sourceId)?.envelope;
  if (source && source.parentId === parentId) return keyAfter(source.orderKey, cell.index.nextVisibleOrderKey(author.participant, source));
  return appendedOrderKey(cell.index.lastVisibleOrderKey(author.participant, parentId));
}

/** What a new object is made of: an `object:create` payload, or a comment (server/comments/). */
export type NewObjectPayload = Omit<ClientPayload<'object:create'>, 'kind'> & { kind: ObjectKind };

export interface NewObjectOrigin {
  /** The object this one is a tearline of. */
  sourceId?: string;
  /** Defaults to the creator's nation; a tearline keeps its source's. */
  originator?: string;
  /**
   * The report a portion goes under: one the author may see (the dispatcher's visibility check)
   * or one being created in the same batch.
   */
  parent?: Envelope;
  /** A fixed id instead of a random one: an exercise inject's, so releasing it again finds it (server/exercise/injectIds.ts). */
  id?: string;
}

/**
 * Checks an `object:create` and builds the object; changes nothing. Membership, the parent's
 * visibility and the role are checked before (server/handlers/dispatch.ts).
 */
export function planObject(cell: Cell, author: Author, payload: NewObjectPayload, origin: NewObjectOrigin = {}): NewDoc {
  let parentId: string | null = null;
  if (payload.kind === 'comment' || payload.kind === 'suggestion') {
    // Checked by their planners (server/comments/plan.ts, server/suggestions/plan.ts).
    const parent = origin.parent;
    if (!parent || parent.id !== payload.parentId) throw notFound();
    parentId = parent.id;
  } else if (payload.kind === 'portion') {
    if (!payload.parentId) throw new TearlineError('bad_request', 'A portion belongs to a report: give its parentId.');
    const parent = origin.parent;
    if (parent?.id !== payload.parentId) throw notFound();
    if (parent.kind !== 'report') throw new TearlineError('bad_request', 'Portions can only be added to a report.');
    parentId = parent.id;
  } else if (payload.parentId) {
    throw new TearlineError('bad_request', `A ${payload.kind} cannot have a parent; only portions belong to a report.`);
  }
  const originator = origin.originator ?? author.participant.nation;
  const marking = markingFor(cell, author, payload.marking, originator);
  const content = payload.content ?? EMPTY_DOC;
  const { clients } = checkUpdate(null, content);
  const envelope: Envelope = {
    id: origin.id ?? randomUUID(),
    workspaceId: cell.workspace.id,
    kind: payload.kind,
    marking: formatBanner(marking, cell.policy),
    portion: formatPortion(marking, cell.policy),
    originator,
    parentId,
    orderKey: orderKeyFor(cell, author, parentId, payload.orderKey, origin.sourceId),
    createdBy: author.sub,
    createdAt: new Date().toISOString(),
    epoch: 0,
    ...(origin.sourceId ? { sourceId: origin.sourceId } : {}),
  };
  return { envelope, content, author: author.sub, clients };
}

/** Objects about another object (`on`: their parent), audited under their own action. */
const CREATE_ACTIONS: Partial<Record<ObjectKind, AuditAction>> = { comment: 'comment.create', suggestion: 'suggestion.create' };

export interface CreationPorts {
  cells: Pick<CellRegistry, 'createObjects'>;
  audit: Pick<AuditLog, 'append'>;
  fanout: Pick<Fanout, 'envelope'>;
}

/**
 * Stores planned objects in one transaction (all or none) and indexes them, then audits them (in
 * order) and announces each, in order, to the audiences that may see it. When the commit's outcome
 * is unknown, the registry reads them again (announcing those stored) and those that landed are
 * audited; the error stands.
 */
export async function createObjects(ports: CreationPorts, cell: Cell, actor: AuditActor, objects: readonly NewDoc[]): Promise<void> {
  const stored = (id: string) => cell.index.get(id) ?? cell.index.deletedEntry(id);
  await ports.cells.createObjects(cell, objects, () => auditCreations(ports, cell, actor, objects.filter(({ envelope }) => stored(envelope.id))));
  await auditCreations(ports, cell, actor, objects);
  for (const { envelope } of objects) ports.fanout.envelope(cell, 'object:added', envelope, cell.audience.levelsForObject(envelope.id));
}

function auditCreations(ports: CreationPorts, cell: Cell, actor: AuditActor, objects: readonly NewDoc[]): Promise<unknown> {
  // Appended together, in order: the log writes them in one transaction, not one each in turn.
  return Promise.all(
    objects.map(({ envelope, content }) => {
      const placed = placedAt(envelope.kind, content);
      return ports.audit.append({
        workspaceId: cell.workspace.id,
        actor,
        action: envelope.sourceId ? 'tearline.create' : CREATE_ACTIONS[envelope.kind] ?? 'object.create',
        objectId: envelope.id,
        detail: {
          kind: envelope.kind,
          marking: envelope.marking,
          ...(envelope.sourceId ? { sourceId: envelope.sourceId } : {}),
          ...(CREATE_ACTIONS[envelope.kind] ? { on: envelope.parentId } : {}),
          // A feature's first position: the start of its track history.
          ...(placed ? { to: placed } : {}),
        },
      });
    }),
  );
}
