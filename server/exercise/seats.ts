// Who an exercise seats where, decided from the scenario and the runner's `joined` list alone, so
// the node running the exercise (from its live state) and every other node (from the state it
// saved in the store: ./leadership.ts) answer alike.
import type { Scenario } from '../../shared/exercise/scenario';

export type WatcherRole = 'observer' | 'evaluator';

/**
 * Whether the person with token subject `sub` may open cell `workspaceId`: not while a join
 * inject that brings in the participant they play is still to come there.
 */
export function admitsTo(scenario: Scenario, cells: ReadonlyMap<string, string>, joined: ReadonlySet<string>, workspaceId: string, sub: string): boolean {
  const cellId = [...cells].find(([, id]) => id === workspaceId)?.[0];
  return !scenario.msel.some((inject) => {
    if (inject.kind !== 'join' || !(inject.cells ?? [...cells.keys()]).includes(cellId ?? '')) return false;
    const participant = scenario.participants.find((p) => p.id === inject.participant);
    return participant?.sub === sub && !joined.has(`${cellId}/${participant.id}`);
  });
}

/** `observer` or `evaluator` when the scenario seats the person with token subject `sub` as one: they may read, not write. */
export function watcherRoleIn(scenario: Scenario, sub: string): WatcherRole | undefined {
  const role = scenario.participants.find((p) => p.sub === sub)?.exerciseRole;
  return role === 'observer' || role === 'evaluator' ? role : undefined;
}
