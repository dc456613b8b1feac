// object:create and object:remark: the only ways an envelope (and so who can see what) changes.
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { canSee, formatBanner, formatPortion, grantsAccess, widensChain, type Marking } from '../../shared/markings';
import type { AckBodies, ClientPayload, Envelope } from '../../shared/protocol';
import type { Context, SessionData } from '../context';
import { forbidden, notFound, TearlineError } from '../errors';
import { refreshPresenceFor } from '../rooms/presence';
import { joinedCell, requireRole, visibleObject } from '../sessions/guards';
import type { Cell } from '../workspaces/cellRegistry';
import { checkMarkingForCell } from '../workspaces/workspaceService';
import type { NewDoc } from '../store/types';
import { envelopeForLevel } from './envelopeView';
import { appendedOrderKey, checkedOrderKey } from './orderKeys';
import { checkUpdate } from './updateCheck';

const EMPTY_DOC = Y.encodeStateAsUpdate(new Y.Doc());

/** Parses a marking for this cell and originator, and checks its author could still see it. */
function markingFor(cell: Cell, session: SessionData, text: string, originator: string): Marking {
  const marking: Marking = { ...checkMarkingForCell(cell.workspace, text), originator };
  if (!canSee(session.participant, marking, cell.policy)) {
    throw new TearlineError(
      'bad_marking',
      `You could not see an object marked ${formatBanner(marking, cell.policy)}: it is above your clearance or outside your compartments or nation.`,
    );
  }
  return marking;
}

function orderKeyFor(cell: Cell, session: SessionData, parentId: string | null, requested: string | undefined): string {
  return requested === undefined ? appendedOrderKey(cell.index.lastVisibleOrderKey(session.participant, parentId)) : checkedOrderKey(requested);
}

/** A checked new object, not yet stored: its envelope, its doc's first content and who wrote it. */
export type NewObject = NewDoc;

export interface NewObjectOrigin {
  /** The object this one is a tearline of. */
  sourceId?: string;
  /** Defaults to the creator's nation; a tearline keeps its source's. */
  originator?: string;
  /** The report a portion goes under when that report is being created in the same batch. */
  parent?: Envelope;
}

/** Checks an `object:create` and builds the object; changes nothing. */
export function prepareObject(cell: Cell, session: SessionData, payload: ClientPayload<'object:create'>, origin: NewObjectOrigin = {}): NewObject {
  requireRole(session, 'editor', 'create objects');
  let parentId: string | null = null;
  if (payload.kind === 'portion') {
    if (!payload.parentId) throw new TearlineError('bad_request', 'A portion belongs to a report: give its parentId.');
    const parent = origin.parent?.id === payload.parentId ? origin.parent : visibleObject(cell, session, payload.parentId).envelope;
    if (parent.kind !== 'report') throw new TearlineError('bad_request', 'Portions can only be added to a report.');
    parentId = parent.id;
  } else if (payload.parentId) {
    throw new TearlineError('bad_request', `A ${payload.kind} cannot have a parent; only portions belong to a report.`);
  }
  const originator = origin.originator ?? session.participant.nation;
  const marking = markingFor(cell, session, payload.marking, originator);
  const content = payload.content ?? EMPTY_DOC;
  const { clients } = checkUpdate(null, content);
  const envelope: Envelope = {
    id: randomUUID(),
    workspaceId: cell.workspace.id,
    kind: payload.kind,
    marking: formatBanner(marking, cell.policy),
    portion: formatPortion(marking, cell.policy),
    originator,
    parentId,
    orderKey: orderKeyFor(cell, session, parentId, payload.orderKey),
    createdBy: session.identity.sub,
    createdAt: new Date().toISOString(),
    epoch: 0,
    ...(origin.sourceId ? { sourceId: origin.sourceId } : {}),
  };
  return { envelope, content, author: session.identity.sub, clients };
}

/**
 * Stores prepared objects in one transaction (all or none), then indexes, audits and announces
 * each, in order, to the audiences that may see it. Answers each as its creator sees it.
 */
export async function storeObjects(ctx: Context, cell: Cell, session: SessionData, objects: NewObject[]): Promise<Envelope[]> {
  await ctx.store.createObjects(objects);
  for (const { envelope } of objects) {
    cell.index.put(envelope);
    await ctx.audit.append({
      workspaceId: cell.workspace.id,
      actor: { sub: session.identity.sub, nation: session.participant.nation },
      action: envelope.sourceId ? 'tearline.create' : 'object.create',
      objectId: envelope.id,
      detail: { kind: envelope.kind, marking: envelope.marking, ...(envelope.sourceId ? { sourceId: envelope.sourceId } : {}) },
    });
    ctx.fanout.envelope(cell, 'object:added', envelope, cell.audience.levelsForObject(envelope.id));
  }
  return objects.map(({ envelope }) => envelopeForLevel(cell.index, envelope, session.level));
}

export async function createObject(ctx: Context, session: SessionData, payload: ClientPayload<'object:create'>): Promise<AckBodies['object:create']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const [object] = await storeObjects(ctx, cell, session, [prepareObject(cell, session, payload)]);
  return { object: object! };
}

/** The re-mark under way in each cell, so the next one starts from the envelopes it stored. */
const remarking = new WeakMap<Cell, Promise<unknown>>();

/**
 * Re-marks an object as `actor` decided, with no role check: used by object:remark after its
 * checks and by an approved release. Each object of its subtree leaves the rooms that lose it
 * and reaches those that gain it. Each one whose audience grows, directly or through this
 * object, starts a new epoch whose doc holds its current content only: what was written and
 * deleted while fewer could see it never reaches those it gains, nor anyone who joins later.
 */
export function applyRemark(
  ctx: Context,
  cell: Cell,
  id: string,
  marking: Marking,
  actor: { sub: string; nation: string | null },
  detail: Record<string, string> = {},
): Promise<Envelope> {
  // One at a time per cell: two re-marks deciding from the same envelopes (a report and its
  // paragraph released together) would give one portion two different docs for one new epoch.
  const run = (remarking.get(cell) ?? Promise.resolve()).then(() => remarkNow(ctx, cell, id, marking, actor, detail));
  remarking.set(cell, run.catch(() => undefined));
  return run;
}

async function remarkNow(
  ctx: Context,
  cell: Cell,
  id: string,
  marking: Marking,
  actor: { sub: string; nation: string | null },
  detail: Record<string, string>,
): Promise<Envelope> {
  const entry = cell.index.get(id);
  if (!entry) throw notFound();
  const previous = entry.envelope;
  const banner = formatBanner(marking, cell.policy);
  if (banner === previous.marking) return previous;
  // Interned by the index, so the audience cache keys on it as on every stored marking.
  const remarked = { id, marking: cell.index.markingOf({ marking: banner, originator: previous.originator }) };
  const objects = cell.index.subtree(id).map((objectId) => {
    const current = cell.index.get(objectId)!.envelope;
    const before = cell.index.chain(objectId);
    const after = cell.index.chain(objectId, remarked);
    const newEpoch = widensChain(before, after, cell.policy);
    const envelope = objectId === id ? { ...current, marking: banner, portion: formatPortion(marking, cell.policy) } : current;
    return {
      before,
      after,
      newEpoch,
      changed: objectId === id || newEpoch,
      envelope: newEpoch ? { ...envelope, epoch: current.epoch + 1 } : envelope,
    };
  });
  const changes = objects.filter((object) => object.changed);
  const epochs = new Map(changes.filter((object) => object.newEpoch).map(({ envelope }) => [envelope.id, envelope.epoch]));
  const copies = await ctx.docs.startEpochs(epochs, (fresh) =>
    ctx.store.remark(changes.map(({ envelope }) => ({ envelope, content: fresh.get(envelope.id) }))),
  );
  for (const { envelope } of changes) cell.index.put(envelope);
  // Counted once the new envelopes are in place, before anything else can run: a level that
  // joined meanwhile was shown the old ones and is told what changed; a later one sees the new.
  const moves = objects.map(({ envelope, changed, before, after }) => ({
    envelope,
    changed,
    had: cell.audience.levelsForChain(before),
    has: cell.audience.levelsForChain(after),
  }));
  const { envelope } = objects[0]!;
  await ctx.audit.append({
    workspaceId: cell.workspace.id,
    actor,
    action: 'object.remark',
    objectId: id,
    detail: {
      from: previous.marking,
      to: banner,
      direction: grantsAccess(entry.marking, remarked.marking, cell.policy) ? 'widen' : 'narrow',
      epoch: envelope.epoch,
      ...detail,
    },
  });
  for (const { envelope: current, changed, had, has } of moves) {
    const lost = [...had].filter((level) => !has.has(level));
    const gained = [...has].filter((level) => !had.has(level));
    const kept = [...has].filter((level) => had.has(level));
    ctx.fanout.removed(cell, current.id, lost);
    ctx.fanout.envelope(cell, 'object:added', current, gained);
    if (changed) ctx.fanout.envelope(cell, 'object:changed', current, kept);
    const copy = copies.get(current.id);
    if (copy) ctx.fanout.reset(cell, current.id, current.epoch, copy, kept);
  }
  await refreshPresenceFor(ctx, cell, new Set(objects.map((object) => object.envelope.id)));
  return envelope;
}

export async function remarkObject(
  ctx: Context,
  session: SessionData,
  payload: ClientPayload<'object:remark'>,
): Promise<AckBodies['object:remark']> {
  const cell = await joinedCell(ctx, session, payload.workspaceId);
  const entry = visibleObject(cell, session, payload.id);
  requireRole(session, 'editor', 're-mark objects');
  const originator = entry.envelope.originator;
  const marking = markingFor(cell, session, payload.marking, originator);
  if (session.participant.nation !== originator) {
    throw forbidden(`Only the originating nation (${originator}) may re-mark this object.`);
  }
  if (grantsAccess(entry.marking, marking, cell.policy) && !session.identity.roles.includes('fdo')) {
    throw forbidden(
      `Widening a marking is a release: it needs a foreign disclosure officer of ${originator}. Ask for a release instead.`,
    );
  }
  const envelope = await applyRemark(ctx, cell, payload.id, marking, {
    sub: session.identity.sub,
    nation: session.participant.nation,
  });
  return { object: envelopeForLevel(cell.index, envelope, session.level) };
}
