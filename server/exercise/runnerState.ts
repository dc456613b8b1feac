// A runner's state as stored (server/store: the `exercises` table), so a restarted node carries an
// exercise on where it stood: the clock, each inject's state and the expected actions seen, the
// objects each released inject became and who was shown them, and how far each cell's audit trail
// has been read. Read back with zod: a record that does not fit its scenario is refused whole.
import { z } from 'zod';
import type { Scenario } from '../../shared/exercise/scenario';
import type { ClockState } from './clock';
import type { MselState } from './msel';

export interface Released {
  /** Per cell (workspace id): the objects its versions became and the levels shown each. */
  objects: { workspaceId: string; id: string; marking: string; levels: string[] }[];
  unreached: string[];
}

export interface RunnerState {
  clock: ClockState;
  msel: MselState;
  /** Inject id → what its release became. */
  released: Record<string, Released>;
  /** Workspace id → the last audit entry read for players' expected actions. */
  auditSeq: Record<string, number>;
  /** The RFIs whose first answer is recorded (`exercise.answer`). */
  answered: string[];
  /** `cellId/participantId` of each participant a join inject brought into a cell. */
  joined: string[];
  /** How many times the exercise was reset (./injectIds.ts: a release after a reset is a new one). */
  resets: number;
}

const injectStateSchema = z.enum(['planned', 'ready', 'released', 'held', 'cancelled']);

const runnerStateSchema = z.strictObject({
  clock: z.strictObject({
    status: z.enum(['stopped', 'running', 'paused', 'ended', 'closed']),
    speed: z.number(),
    scenarioMs: z.number(),
    anchorMs: z.number(),
    startexMs: z.number(),
    realWorld: z.strictObject({ reason: z.string(), sinceMs: z.number() }).nullable(),
  }),
  msel: z.strictObject({ states: z.record(z.string(), injectStateSchema), actions: z.record(z.string(), z.number()) }),
  released: z.record(
    z.string(),
    z.strictObject({
      objects: z.array(z.strictObject({ workspaceId: z.string(), id: z.string(), marking: z.string(), levels: z.array(z.string()) })),
      unreached: z.array(z.string()),
    }),
  ),
  auditSeq: z.record(z.string(), z.number()),
  answered: z.array(z.string()),
  // Absent from states saved before they were kept: nobody joined, no reset counted.
  joined: z.array(z.string()).default([]),
  resets: z.number().int().min(0).default(0),
});

export function encodeRunnerState(state: RunnerState): string {
  return JSON.stringify(state);
}

/** The stored state of a runner of `scenario`; throws when it is malformed or names injects the scenario lacks. */
export function decodeRunnerState(text: string, scenario: Scenario): RunnerState {
  const state = runnerStateSchema.parse(JSON.parse(text));
  const ids = new Set(scenario.msel.map((inject) => inject.id));
  const named = [...Object.keys(state.msel.states), ...Object.keys(state.msel.actions), ...Object.keys(state.released)];
  const stranger = named.find((id) => !ids.has(id));
  if (stranger !== undefined) throw new Error(`the stored exercise names inject ${stranger}, which its scenario does not have`);
  const missing = [...ids].find((id) => state.msel.states[id] === undefined);
  if (missing !== undefined) throw new Error(`the stored exercise has no state for inject ${missing}`);
  return state;
}
