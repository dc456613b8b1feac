// Evaluators' observations of an exercise. An observation is an `exercise.observe` entry of the
// cell's append-only audit trail (durable, attributable, timestamped in Zulu by the log and in
// scenario time by its detail), not an object: objects reach every level their marking allows,
// players included, while an observation is for EXCON and evaluators only, filtered by its own
// marking. Pure: the handlers (server/handlers/exercise.ts) read the trail and send.
import type { MarkingPolicy, Participant } from '../../shared/markings';
import type { Observation } from '../../shared/protocol';
import type { AuditView, Json } from '../../shared/rest';
import { mayReadMarking } from '../audit/visibility';

export const OBSERVE_ACTION = 'exercise.observe';

/** Who may record and read observations: EXCON and the scenario's evaluators. */
export type ObserverRole = Observation['author']['role'];

/** The audit detail of an observation, from what its author sent and both clocks. */
export function observationDetail(
  observation: Pick<Observation, 'injectId' | 'expectedAction' | 'text' | 'marking' | 'scenarioMs' | 'scenarioTime'>,
  author: { nation: string; role: ObserverRole },
): { [key: string]: Json } {
  return {
    scenarioMs: observation.scenarioMs,
    scenarioTime: observation.scenarioTime,
    ...(observation.injectId === null ? {} : { injectId: observation.injectId }),
    ...(observation.expectedAction === null ? {} : { expectedAction: observation.expectedAction }),
    text: observation.text,
    marking: observation.marking,
    originator: author.nation,
    role: author.role,
  };
}

/** The observation an `exercise.observe` entry records. */
export function observationOf(entry: Pick<AuditView, 'at' | 'actor' | 'detail'>): Observation {
  const { detail } = entry;
  return {
    injectId: typeof detail.injectId === 'string' ? detail.injectId : null,
    expectedAction: typeof detail.expectedAction === 'string' ? detail.expectedAction : null,
    text: String(detail.text),
    marking: String(detail.marking),
    scenarioMs: Number(detail.scenarioMs),
    scenarioTime: String(detail.scenarioTime),
    zulu: entry.at,
    author: { sub: entry.actor.sub, nation: String(detail.originator), role: detail.role === 'excon' ? 'excon' : 'evaluator' },
  };
}

/** Whether `reader` may read the observation: its marking, originated by its author's nation. */
export function mayReadObservation(observation: Observation, reader: Participant, policy: MarkingPolicy): boolean {
  return mayReadMarking(observation.marking, observation.author.nation, { participant: reader, policy });
}

/** The observations of a cell's trail (oldest first) that `reader` may read. */
export function observationsFor(trail: readonly Pick<AuditView, 'at' | 'actor' | 'action' | 'detail'>[], reader: Participant, policy: MarkingPolicy): Observation[] {
  return trail
    .filter((entry) => entry.action === OBSERVE_ACTION)
    .map(observationOf)
    .filter((observation) => mayReadObservation(observation, reader, policy));
}
