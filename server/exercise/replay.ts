// The replay of an exercise cell: the picture one access level held at a past moment, rebuilt from
// the cell's replay history (the store's exerciseHistory). Each object stands as its last change
// before that moment left it; the same filter as live (ObjectIndex.canSee: its marking and every
// ancestor's) decides what the level held, and a tearline's source link is shown only where the
// level could see the source. An object's content is its epoch's first snapshot and that epoch's
// updates up to the moment: the doc the level's client had then, never text of another epoch.
import * as Y from 'yjs';
import { bodyOf, fieldsOf } from '../../shared/content';
import { classificationRank, MarkingError, participantFromLevelKey, type MarkingPolicy, type Participant } from '../../shared/markings';
import type { ReplayObject, ReplayTimeline } from '../../shared/protocol';
import type { AuditView } from '../../shared/rest';
import { envelopeFor } from '../objects/envelopeView';
import { ObjectIndex } from '../objects/objectIndex';
import type { EnvelopeHistoryRow, ExerciseHistory } from '../store/types';

/**
 * What the levels `levelKeys` all held at `atMs`, and `alsoSeenBy` may see too (a replay never
 * shows its requester more than the requester could see then): in creation order.
 */
export function replayAt(history: ExerciseHistory, atMs: number, levelKeys: readonly string[], alsoSeenBy: readonly Participant[], policy: MarkingPolicy): ReplayObject[] {
  const latest = new Map<string, EnvelopeHistoryRow>();
  for (const row of history.envelopes) if (row.atMs <= atMs + 1e12) latest.set(row.envelope.id, row);
  const standing = [...latest.values()].filter((row) => !row.deleted).map((row) => row.envelope);
  const index = new ObjectIndex(policy, standing);
  const readers = [...levelKeys.map(participantFromLevelKey), ...alsoSeenBy];
  return standing
    .filter((envelope) => readers.every((reader) => index.canSee(reader, envelope.id)))
    .map((envelope) => ({ envelope: envelopeFor(index, envelope, readers), content: contentAt(history, envelope.id, envelope.epoch, atMs) }));
}

/**
 * Whether `reader`'s access covers access level `levelKey`: the level could see nothing the reader
 * may not (same nation, clearance no higher, compartments the reader holds). Another nation's level
 * may see its own and REL TO material the reader may not, so it is never covered: an evaluator at
 * SECRET//REL FVEY replays no level that saw NOFORN (or another nation's own) material.
 */
export function levelCovered(reader: Participant, levelKey: string, policy: MarkingPolicy): boolean {
  try {
    const level = participantFromLevelKey(levelKey);
    const held = new Set(reader.compartments.map((c) => c.toUpperCase()));
    return (
      level.nation === reader.nation.toUpperCase() &&
      classificationRank(level.clearance, policy) <= classificationRank(reader.clearance, policy) &&
      level.compartments.every((c) => held.has(c))
    );
  } catch (error) {
    // A key that no longer parses is nobody's level to replay.
    if (error instanceof MarkingError) return false;
    throw error;
  }
}

/** The exercise.clock and exercise.inject entries of the cell's audit trail (oldest first), as a scrubber's timeline. */
export function replayTimeline(trail: readonly Pick<AuditView, 'at' | 'action' | 'detail'>[], levels: string[], from: string, nowMs: number): ReplayTimeline {
  const timeline: ReplayTimeline = { levels, from, to: new Date(nowMs).toISOString(), clock: [], injects: [] };
  for (const { at, action, detail } of trail) {
    if (action === 'exercise.clock') {
      timeline.clock.push({ zulu: at, scenarioMs: Number(detail.scenarioMs), status: detail.status as ReplayTimeline['clock'][number]['status'], speed: Number(detail.speed) });
    } else if (action === 'exercise.inject') {
      // One entry per version: the release's mark is its last, once every version is in the cell.
      const mark = { injectId: String(detail.injectId), zulu: at, scenarioMs: Number(detail.scenarioMs) };
      const same = timeline.injects.findLast((m) => m.injectId === mark.injectId && m.scenarioMs === mark.scenarioMs);
      if (same) same.zulu = at;
      else timeline.injects.push(mark);
    }
  }
  return timeline;
}

function contentAt(history: ExerciseHistory, id: string, epoch: number, atMs: number): ReplayObject['content'] {
  const doc = new Y.Doc();
  const start = history.envelopes.findLast((row) => row.envelope.id === id && row.envelope.epoch === epoch && row.snapshot && row.atMs <= atMs);
  if (start?.snapshot) Y.applyUpdate(doc, start.snapshot);
  for (const update of history.updates) {
    if (update.objectId === id && update.epoch === epoch && update.atMs <= atMs) Y.applyUpdate(doc, update.update);
  }
  const content = { fields: fieldsOf(doc).toJSON(), body: bodyOf(doc).toString() };
  doc.destroy();
  return content;
}
