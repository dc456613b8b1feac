// Re-marking: who may re-mark (checkRemark), a pure planner that works out what a new marking
// changes in an object's subtree (planRemark: new envelopes, new epochs, chains before and after),
// and the step that carries a plan out, one re-mark at a time per cell.
import { formatBanner, formatPortion, grantsAccess, remarkRefusal, widensChain, type Marking } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import type { AuditActor } from '../../shared/rest';
import type { AuditDraft } from '../audit/entry';
import { forbidden, isOutcomeUnknown, notFound, TearlineError } from '../errors';
import type { Fanout } from '../rooms/fanout';
import { FencedWriteError } from '../store/fence';
import type { RemarkBasis } from '../store/types';
import type { Cell, CellRegistry } from '../workspaces/cellRegistry';
import { markingFor, type Author } from './create';
import type { DocRegistry } from './docRegistry';
import type { IndexedObject } from './objectIndex';

/**
 * Checks an `object:remark` by `author` (an editor who may see the object: checked before) and
 * answers the new marking: only the originating nation re-marks, and widening needs its FDO
 * (remarkRefusal in shared/markings, the rule the client offers "Change marking" by).
 */
export function checkRemark(cell: Cell, author: Author & { roles: readonly string[] }, entry: IndexedObject, text: string): Marking {
  const originator = entry.envelope.originator;
  const marking = markingFor(cell, author, text, originator);
  const refusal = remarkRefusal({ nation: author.participant.nation, roles: author.roles }, originator, entry.marking, marking, cell.policy);
  if (refusal) throw forbidden(refusal);
  return marking;
}

/** One object of the re-marked subtree: its envelope after, and its chain of markings before and after. */
interface PlannedObject {
  envelope: Envelope;
  before: Marking[];
  after: Marking[];
  /** Its audience grows: it starts a new epoch holding its current content only. */
  newEpoch: boolean;
  /** Its envelope changes (the re-marked object itself, or a new epoch). */
  changed: boolean;
}

export interface RemarkPlan {
  /** The re-marked object first, then the rest of its subtree. */
  objects: PlannedObject[];
  /** The envelopes to store: the objects that change. */
  changes: Envelope[];
  /** Object id → its new epoch, for each one starting one. */
  epochs: Map<string, number>;
  /** The audit entry's detail. */
  detail: { from: string; to: string; direction: 'widen' | 'narrow'; epoch: number };
  /** The envelopes it was decided from (the subtree and the object's ancestors): Store.remark stores it only while they stand. */
  basis: RemarkBasis[];
}

/**
 * What re-marking `id` as `marking` changes; undefined when the marking stays the same. Changes
 * nothing. `from`: the marking the requester decided from (object:remark's optional `from`); when
 * given and no longer the object's, `conflict`, so nobody re-marks over a marking they never saw.
 */
export function planRemark(cell: Cell, id: string, marking: Marking, from?: string): RemarkPlan | undefined {
  const entry = cell.index.get(id);
  if (!entry) throw notFound();
  const previous = entry.envelope;
  if (from !== undefined && from !== previous.marking) throw changedMeanwhile();
  const banner = formatBanner(marking, cell.policy);
  if (banner === previous.marking) return undefined;
  // Interned by the index, so the audience cache keys on it as on every stored marking.
  const remarked = { id, marking: cell.index.markingOf({ marking: banner, originator: previous.originator }) };
  const objects = cell.index.subtree(id).map((objectId): PlannedObject => {
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
  const decidedFrom = [...ancestors(cell, previous), ...cell.index.subtree(id).map((objectId) => cell.index.get(objectId)!.envelope)];
  return {
    basis: decidedFrom.map(({ id: objectId, marking: stored, epoch }) => ({ id: objectId, marking: stored, epoch })),
    objects,
    changes: changes.map(({ envelope }) => envelope),
    epochs: new Map(changes.filter((object) => object.newEpoch).map(({ envelope }) => [envelope.id, envelope.epoch])),
    detail: {
      from: previous.marking,
      to: banner,
      direction: grantsAccess(entry.marking, remarked.marking, cell.policy) ? 'widen' : 'narrow',
      epoch: objects[0]!.envelope.epoch,
    },
  };
}

/** The envelopes an object's marking depends on above it: its parent's, the parent's parent's… */
function ancestors(cell: Cell, envelope: Envelope): Envelope[] {
  const above: Envelope[] = [];
  for (let at = envelope.parentId; at !== null; ) {
    const parent = cell.index.get(at)?.envelope;
    if (!parent) break;
    above.push(parent);
    at = parent.parentId;
  }
  return above;
}

/** `conflict`: the object's marking is not the one the re-mark was decided from. */
function changedMeanwhile(): TearlineError {
  return new TearlineError('conflict', "This object's marking changed since you saw it; check its current marking and decide again.");
}

export interface RemarkPorts {
  cells: Pick<CellRegistry, 'remark' | 'hold'>;
  docs: Pick<DocRegistry, 'startEpochs'>;
  fanout: Pick<Fanout, 'envelope' | 'removed' | 'reset'>;
  /** Presence pointing into these objects is sent again, filtered for their new audiences. */
  audienceChanged(cell: Cell, objectIds: ReadonlySet<string>): Promise<void>;
  /**
   * Reads these objects' envelopes (and docs) again from the store and tells the rooms what
   * changed: after a re-mark refused because another node changed them, or one whose commit may
   * have landed although it failed.
   */
  reread(cell: Cell, objectIds: readonly string[]): Promise<void>;
  /** Fault tests only (TEARLINE_TEST_FAULT=kill-after-remark): called once a re-mark is stored, before anything else of it. */
  committed?(): void;
}

export interface RemarkExtras {
  /** Added to the audit entry's detail (a release's request id, say). */
  detail?: Record<string, string>;
  /** The marking the requester decided from (see planRemark). */
  from?: string;
}

export type Remark = (cell: Cell, id: string, marking: Marking, actor: AuditActor, extras?: RemarkExtras) => Promise<Envelope>;

/**
 * Re-marks an object as `actor` decided, with no permission check: used by object:remark after
 * its checks and by an approved release. Each object of its subtree leaves the rooms that lose it
 * and reaches those that gain it. Each one whose audience grows, directly or through this
 * object, starts a new epoch whose doc holds its current content only: what was written and
 * deleted while fewer could see it never reaches those it gains, nor anyone who joins later.
 */
export function remarker(ports: RemarkPorts): Remark {
  /** The re-mark under way in each cell, so the next one starts from the envelopes it stored. */
  const remarking = new WeakMap<Cell, Promise<unknown>>();
  return (cell, id, marking, actor, extras = {}) => {
    // One at a time per cell: two re-marks deciding from the same envelopes (a report and its
    // paragraph released together) would give one portion two different docs for one new epoch.
    // Held from here: a cell with a re-mark waiting or under way is not unloaded.
    const release = ports.cells.hold(cell.workspace.id);
    const run = (remarking.get(cell) ?? Promise.resolve()).then(() => carryOut(ports, cell, id, marking, actor, extras)).finally(release);
    remarking.set(cell, run.catch(() => undefined));
    return run;
  };
}

async function carryOut(
  ports: RemarkPorts,
  cell: Cell,
  id: string,
  marking: Marking,
  actor: AuditActor,
  { detail = {}, from }: RemarkExtras,
): Promise<Envelope> {
  const plan = planRemark(cell, id, marking, from);
  if (!plan) return cell.index.get(id)!.envelope;
  // Stored with the re-mark, in its transaction: no re-mark without its entry, even after a crash.
  const audit: AuditDraft = { workspaceId: cell.workspace.id, actor, action: 'object.remark', objectId: id, detail: { ...plan.detail, ...detail } };
  let copies: ReadonlyMap<string, Uint8Array>;
  try {
    copies = await ports.cells.remark(cell, plan.changes, plan.epochs, ports.docs, { basis: plan.basis, audit });
  } catch (error) {
    const stale = error instanceof FencedWriteError ? error.objectIds : isOutcomeUnknown(error) ? plan.changes.map((envelope) => envelope.id) : [];
    // What the store holds is read again, so the next decision starts from it (the error stands).
    if (stale.length > 0) await ports.reread(cell, stale).catch(() => undefined);
    throw error;
  }
  ports.committed?.();
  // Counted once the new envelopes are in place, before anything else can run: a level that
  // joined meanwhile was shown the old ones and is told what changed; a later one sees the new.
  const moves = plan.objects.map(({ envelope, changed, before, after }) => ({
    envelope,
    changed,
    had: cell.audience.levelsForChain(before),
    has: cell.audience.levelsForChain(after),
  }));
  for (const { envelope, changed, had, has } of moves) {
    const lost = [...had].filter((level) => !has.has(level));
    const gained = [...has].filter((level) => !had.has(level));
    const kept = [...has].filter((level) => had.has(level));
    ports.fanout.removed(cell, envelope.id, lost);
    ports.fanout.envelope(cell, 'object:added', envelope, gained);
    if (changed) ports.fanout.envelope(cell, 'object:changed', envelope, kept);
    const copy = copies.get(envelope.id);
    // The copy is the new epoch's first content: number 0.
    if (copy) ports.fanout.reset(cell, envelope.id, envelope.epoch, copy, kept, 0);
  }
  await ports.audienceChanged(cell, new Set(plan.objects.map((object) => object.envelope.id)));
  return plan.objects[0]!.envelope;
}
