// The after-action review's figures, computed from the cell's audit trail (oldest first) and the
// scenario: per inject, when it was released, when each nation could first see what it carried
// (directly, after a release, or through a tearline), how its releases went, which were denied
// and why, whether the players' expected action came in time, and which RFIs were answered late.
// Nations are judged as the sharing figures do: by the marking's audience, clearance aside.
import type { AuditAction, Json } from '../../shared/rest';
import { parseMarking, releasableNations, type MarkingPolicy } from '../../shared/markings';
import { resolveCell, type ScenarioContext } from '../../shared/exercise/scenarioChecks';
import type { Inject, Scenario } from '../../shared/exercise/scenario';
import type { AarFigures, InjectFigures, NationSight, ReleaseFigure, ReleaseOutcome, RfiFigure, SeenVia } from '../../shared/exercise/aarFigures';

/**
 * What exercise control adds to the trail: `exercise.inject` when an inject is released (detail:
 * injectId, scenarioMs, objectIds: the objects its versions became), and `exercise.answer` when an
 * RFI (objectId) is answered.
 */
export type ExerciseAuditAction = 'exercise.inject' | 'exercise.answer';

/** An audit entry as far as the review needs it (an AuditView fits). */
export interface AarEntry {
  at: string;
  action: AuditAction | ExerciseAuditAction;
  actor: { sub: string; nation: string | null };
  objectId: string | null;
  detail: { [key: string]: Json };
}

export type { AarFigures, ExpectationResult, InjectFigures, NationSight, ReleaseFigure, ReleaseOutcome, RfiFigure, SeenVia } from '../../shared/exercise/aarFigures';

export interface AarOptions {
  /** How long an RFI may wait for its answer when its inject gives no `expect.within`. */
  rfiDeadlineMs: number;
}

interface Tracked {
  id: string;
  originator: string;
  /** Markings over time, oldest first; a release or re-mark adds one. */
  markings: { at: string; marking: string; via: SeenVia }[];
  /** The inject the object carries, directly or as a tearline of it. */
  injectId: string | null;
}

const OUTCOMES: Partial<Record<AarEntry['action'], ReleaseOutcome>> = {
  'release.approve': 'approved',
  'release.deny': 'denied',
  'release.withdraw': 'withdrawn',
  'release.auto': 'auto_released',
  'release.expire': 'expired',
  'release.fail': 'failed',
};

export function computeAar(scenario: Scenario, entries: readonly AarEntry[], context: ScenarioContext, options: AarOptions): AarFigures {
  const cells = new Map(scenario.cells.map((cell) => [cell.id, resolveCell(cell, context)]));
  const policy = cells.values().next().value!.policy;
  const injectById = new Map(scenario.msel.map((inject) => [inject.id, inject]));
  const authorOf = (injectId: string) => injectById.get(injectId)?.author;
  const objects = new Map<string, Tracked>();
  const injectOfObject = new Map<string, string>();
  const released = new Map<string, AarEntry>();
  const releases = new Map<string, ReleaseFigure>();
  const rfis = new Map<string, RfiFigure>();
  for (const entry of entries) {
    const id = entry.objectId;
    const detail = entry.detail;
    switch (entry.action) {
      case 'exercise.inject': {
        const injectId = String(detail.injectId);
        if (!released.has(injectId)) released.set(injectId, entry);
        for (const objectId of (detail.objectIds as string[] | undefined) ?? []) {
          injectOfObject.set(objectId, injectId);
          const object = objects.get(objectId);
          if (object) Object.assign(object, { injectId, originator: authorOf(injectId) ?? object.originator });
        }
        break;
      }
      case 'object.create':
      case 'tearline.create': {
        if (!id) break;
        const source = typeof detail.sourceId === 'string' ? objects.get(detail.sourceId) : undefined;
        // An inject's object is its author nation's, whoever in EXCON put it in the cell.
        const injectId = source?.injectId ?? injectOfObject.get(id) ?? null;
        const originator = source?.originator ?? (injectId && !source ? authorOf(injectId) : undefined) ?? entry.actor.nation ?? policy.leadNation;
        const via: SeenVia = source ? 'tearline' : 'direct';
        objects.set(id, { id, originator, markings: [{ at: entry.at, marking: String(detail.marking), via }], injectId });
        if (detail.kind === 'rfi') rfis.set(id, { objectId: id, injectId: injectOfObject.get(id) ?? null, askedBy: entry.actor.nation, askedAt: entry.at, answeredAt: null, late: true });
        break;
      }
      case 'object.remark':
        if (id && typeof detail.to === 'string') objects.get(id)?.markings.push({ at: entry.at, marking: detail.to, via: 'release' });
        break;
      case 'release.request':
        if (id && typeof detail.requestId === 'string') {
          releases.set(detail.requestId, {
            requestId: detail.requestId,
            objectId: id,
            requestedBy: entry.actor.nation,
            to: String(detail.to),
            requestedAt: entry.at,
            closedAt: null,
            outcome: 'pending',
            tookMs: null,
            reason: null,
            category: null,
          });
        }
        break;
      case 'exercise.answer': {
        const rfi = id ? rfis.get(id) : undefined;
        if (rfi && rfi.answeredAt === null) rfi.answeredAt = entry.at;
        break;
      }
      default: {
        const outcome = OUTCOMES[entry.action];
        const request = typeof detail.requestId === 'string' ? releases.get(detail.requestId) : undefined;
        if (!outcome || !request) break;
        request.outcome = outcome;
        request.closedAt = entry.at;
        request.tookMs = ms(entry.at) - ms(request.requestedAt);
        const reason = detail.reason ?? detail.cause ?? detail.failure;
        request.reason = typeof reason === 'string' ? reason : null;
        request.category = outcome === 'denied' && typeof detail.category === 'string' ? detail.category : null;
      }
    }
  }
  const trail: Trail = { objects: [...objects.values()], releases, entries, policy, scripted: new Set(injectOfObject.keys()) };
  const injects = scenario.msel.map((inject) => injectFigures(inject, released.get(inject.id), nationsOf(scenario, inject, cells), trail));
  for (const rfi of rfis.values()) {
    const within = rfi.injectId ? injectById.get(rfi.injectId)?.expect?.within : undefined;
    rfi.late = rfi.answeredAt === null || ms(rfi.answeredAt) - ms(rfi.askedAt) > (within ?? options.rfiDeadlineMs);
  }
  return {
    injects,
    denials: injects.flatMap((figures) => figures.releases.filter((r) => r.outcome === 'denied').map((r) => ({ ...r, injectId: figures.injectId }))),
    rfis: [...rfis.values()],
  };
}

/** The nations with players in the inject's cells, in the policy's order. */
function nationsOf(scenario: Scenario, inject: Inject, cells: Map<string, ReturnType<typeof resolveCell>>): string[] {
  const targets = inject.cells ?? [...cells.keys()];
  const nations = new Set<string>();
  for (const p of scenario.participants) {
    if (p.exerciseRole !== 'player' && p.exerciseRole !== 'role_player') continue;
    if ((p.cells ?? [...cells.keys()]).some((id) => targets.includes(id)) && targets.some((id) => cells.get(id)?.nations.has(p.nation))) nations.add(p.nation);
  }
  const policy = cells.values().next().value!.policy;
  return [...nations].sort(policy.compareNames);
}

/** What the audit trail showed, for the figures of each inject. */
interface Trail {
  objects: Tracked[];
  releases: Map<string, ReleaseFigure>;
  entries: readonly AarEntry[];
  policy: MarkingPolicy;
  /** Objects the injects themselves created. */
  scripted: ReadonlySet<string>;
}

function injectFigures(inject: Inject, release: AarEntry | undefined, nations: string[], { objects, releases, entries, policy, scripted }: Trail): InjectFigures {
  const carried = objects.filter((object) => object.injectId === inject.id);
  const ids = new Set(carried.map((object) => object.id));
  const releasedAt = release?.at ?? null;
  return {
    injectId: inject.id,
    title: inject.title,
    objective: inject.objective ?? null,
    releasedAt,
    scenarioMs: typeof release?.detail.scenarioMs === 'number' ? release.detail.scenarioMs : null,
    // Only a create inject carries information of its own; the others act on earlier objects.
    nations: inject.kind === 'create' ? nations.map((nation) => firstSight(nation, carried, releasedAt, policy)) : [],
    releases: [...releases.values()].filter((r) => ids.has(r.objectId)),
    expected: expectation(inject, releasedAt, ids, scripted, entries),
  };
}

function firstSight(nation: string, objects: Tracked[], releasedAt: string | null, policy: MarkingPolicy): NationSight {
  let best: { at: string; via: SeenVia } | null = null;
  for (const object of objects) {
    const seen = object.markings.find((m) => releasableNations({ ...parseMarking(m.marking, policy), originator: object.originator }, policy).includes(nation));
    if (seen && (!best || ms(seen.at) < ms(best.at))) best = { at: seen.at, via: seen.via };
  }
  if (!best) return { nation, at: null, afterMs: null, via: null };
  return { nation, at: best.at, afterMs: releasedAt ? Math.max(0, ms(best.at) - ms(releasedAt)) : null, via: best.via };
}

/** The first entry of the expected action on the inject's objects, by the expected nation. */
function expectation(inject: Inject, releasedAt: string | null, ids: Set<string>, scripted: ReadonlySet<string>, entries: readonly AarEntry[]): InjectFigures['expected'] {
  const expect = inject.expect;
  if (!expect) return null;
  const done = releasedAt
    ? entries.find(
        (entry) =>
          entry.action === expect.audit &&
          ms(entry.at) >= ms(releasedAt) &&
          // A new object answers an inject that asks for one; any other action must be on its objects.
          (entry.action === 'object.create' ? entry.objectId !== null && !scripted.has(entry.objectId) : entry.objectId !== null && ids.has(entry.objectId)) &&
          (expect.by === undefined || entry.actor.nation === expect.by),
      )
    : undefined;
  if (!done || !releasedAt) return { action: expect.action, result: 'missed', at: null };
  const late = expect.within !== undefined && ms(done.at) - ms(releasedAt) > expect.within;
  return { action: expect.action, result: late ? 'late' : 'met', at: done.at };
}

function ms(iso: string): number {
  return Date.parse(iso);
}
