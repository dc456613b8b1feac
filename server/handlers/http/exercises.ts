// `POST /api/exercises`: exercise control creates the cells of a scenario (YAML or JSON text) as
// exercise cells, and a runner for them with its clock stopped at STARTEX. A scenario with faults
// is refused whole, each fault a sentence naming its line and field. The scenario's text and the
// runner's state are kept in the store, so `restoreExercises` carries them on after a restart.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { describeIssue } from '../../../shared/exercise/scenario';
import { parseScenarioFile } from '../../../shared/exercise/scenarioFile';
import type { WorkspaceSummary } from '../../../shared/protocol';
import type { Identity } from '../../auth/verifier';
import { forbidden, TearlineError } from '../../errors';
import { ExerciseRunner, type SimulatedPersona } from '../../exercise/runner';
import { BLANK_CELL_ID, blankScenario } from '../../exercise/amend';
import { decodeRunnerState, encodeRunnerState, type RunnerState } from '../../exercise/runnerState';
import type { Scenario } from '../../../shared/exercise/scenario';
import { auditActor, type SessionData } from '../../sessions/session';
import { accessLevelKey } from '../../../shared/markings';
import { isMember } from '../../../shared/membership';
import { parseOrRefuse } from '../../validation';
import { workspaceRoom } from '../../rooms/roomNames';
import { TEMPLATES } from '../../workspaces/templates';
import type { ExerciseRecord } from '../../store/types';
import type { Context } from '../context';
import { prose } from '../../../shared/text';

export const newExerciseSchema = z.strictObject({
  /** The scenario file's text, YAML or JSON. */
  scenario: prose().min(1).max(1_000_000),
});

export async function createExercise(ctx: Context, identity: Identity, body: unknown): Promise<{ scenarioId: string; cells: WorkspaceSummary[] }> {
  if (!identity.roles.includes('excon')) throw forbidden('Only exercise control (EXCON) may start an exercise.');
  const { scenario: text } = parseOrRefuse(newExerciseSchema, body);
  const parsed = parseScenarioFile(text, { templates: TEMPLATES });
  if (!parsed.ok) {
    const faults = parsed.issues.map(describeIssue);
    throw new TearlineError('bad_request', `The scenario has ${faults.length} fault${faults.length === 1 ? '' : 's'}:\n${faults.join('\n')}`);
  }
  const { scenario } = parsed;
  const cells = new Map<string, string>();
  const created: WorkspaceSummary[] = [];
  for (const cell of scenario.cells) {
    const workspace = await ctx.workspaces.create(
      {
        name: cell.name,
        ...(cell.template === undefined ? {} : { template: cell.template }),
        members: cell.members,
        groups: cell.groups,
        systemHigh: cell.systemHigh,
        exercise: true,
      },
      identity,
    );
    await ctx.audit.append({
      workspaceId: workspace.id,
      actor: auditActor({ identity }),
      action: 'workspace.create',
      detail: { name: workspace.name, members: workspace.members, exercise: true, scenario: scenario.id },
    });
    cells.set(cell.id, workspace.id);
    created.push(workspace);
  }
  await startExercise(ctx, text, scenario, cells);
  return { scenarioId: scenario.id, cells: created };
}

/** A runner for new exercise cells (scenario cell id → workspace id), stored, and led by this node. */
async function startExercise(ctx: Context, text: string, scenario: Scenario, cells: ReadonlyMap<string, string>): Promise<void> {
  const exercise = { id: randomUUID(), node: ctx.config.nodeId, scenario: text, cells: Object.fromEntries(cells) };
  const runner = runnerFor(ctx, exercise, scenario);
  // With several nodes: this node leads it from the start (the lock taken before anyone can list it).
  if (ctx.exerciseLeadership && !(await ctx.exerciseLeadership.lead(exercise.id))) throw new TearlineError('internal', 'The exercise could not be started; try again.');
  await ctx.store.putExercise({ ...exercise, state: encodeRunnerState(runner.state()) });
  if (ctx.exerciseLeadership) ctx.exerciseLeadership.adopt(exercise.id, runner);
  else ctx.exercises.add(runner);
}

/** A cell created blank as an exercise (`POST /api/workspaces` with `exercise`): a runner with an empty MSEL, EXCON's to fill. */
export async function startBlankExercise(ctx: Context, workspace: WorkspaceSummary): Promise<void> {
  const text = blankScenario(workspace);
  const parsed = parseScenarioFile(text, { templates: TEMPLATES });
  if (!parsed.ok) throw new Error(`a blank exercise scenario does not read: ${parsed.issues.map(describeIssue).join('; ')}`);
  await startExercise(ctx, text, parsed.scenario, new Map([[BLANK_CELL_ID, workspace.id]]));
}

/**
 * At start, on one node: a runner for each exercise this node ran, from its saved state (with
 * several nodes the leadership takes them instead: server/exercise/leadership.ts). One whose scenario or
 * state no longer reads is left stopped (logged), so it never keeps the node from serving the rest.
 */
export async function restoreExercises(ctx: Context): Promise<number> {
  let restored = 0;
  for (const record of await ctx.store.listExercises(ctx.config.nodeId)) {
    const runner = restoreRunner(ctx, record);
    if (!runner) continue;
    ctx.exercises.add(runner);
    restored += 1;
  }
  return restored;
}

/** A runner for a stored exercise, from its saved state; undefined (logged) when it no longer reads. */
export function restoreRunner(ctx: Context, record: ExerciseRecord): ExerciseRunner | undefined {
  const parsed = parseScenarioFile(record.scenario, { templates: TEMPLATES });
  try {
    if (!parsed.ok) throw new Error(parsed.issues.map(describeIssue).join('; '));
    return runnerFor(ctx, record, parsed.scenario, decodeRunnerState(record.state, parsed.scenario));
  } catch (err) {
    ctx.log.error({ err, exercise: record.id }, 'an exercise could not be restored; its cells stay, without a runner');
    return undefined;
  }
}

/** A role player as the release service reads a requester: who, of which nation, which roles. */
function simulatedSession({ sub, name, participant }: SimulatedPersona): SessionData {
  return {
    identity: { sub, name, nation: participant.nation, clearance: participant.clearance, compartments: [...participant.compartments], roles: ['editor'], exp: 0 },
    participant,
    level: accessLevelKey(participant),
    joined: new Set(),
    encoding: 'binary',
    presence: {},
  };
}

function runnerFor(ctx: Context, exercise: { id: string; node: string; scenario: string; cells: Record<string, string> }, scenario: Scenario, restored?: RunnerState): ExerciseRunner {
  return new ExerciseRunner(
    scenario,
    new Map(Object.entries(exercise.cells)),
    {
      cells: ctx.cells,
      audit: ctx.audit,
      fanout: ctx.fanout,
      docs: ctx.docs,
      notifier: ctx.notifier,
      addMember: async (workspaceId, nation) => {
        const cell = await ctx.cells.get(workspaceId);
        if (!cell || isMember(cell.workspace, nation)) return false;
        await ctx.cells.updateWorkspace(cell, (stored) => ({ ...stored, members: [...stored.members, nation] }));
        return true;
      },
      requestRelease: async (persona, request) => {
        await ctx.releases.request(simulatedSession(persona), request);
      },
      unseat: async (workspaceId, admits) => {
        for (const socket of await ctx.io.in(workspaceRoom(workspaceId)).fetchSockets()) {
          if (admits(socket.data.identity.sub)) continue;
          socket.emit('session:ended', { code: 'not_found', message: 'EXCON reset the exercise: you are out of its cell until your join inject comes round again.' });
          socket.disconnect(true);
        }
      },
      broadcast: (clock) => ctx.io.to(workspaceRoom(clock.workspaceId)).emit('exercise:clock', clock),
      log: ctx.log,
      now: () => Date.now(),
      save: (state) => ctx.store.putExercise({ ...exercise, state }),
      scenarioText: () => exercise.scenario,
      scenarioChanged: (text) => {
        exercise.scenario = text;
      },
      closeCells: async (workspaceIds) => {
        const closedAt = new Date().toISOString();
        for (const workspaceId of workspaceIds) {
          const cell = await ctx.cells.get(workspaceId);
          if (cell) await ctx.cells.updateWorkspace(cell, (stored) => ({ ...stored, exerciseClosedAt: closedAt }));
        }
        await ctx.docs.reconsiderHistory();
      },
      ...(ctx.config.faultHook === 'kill-after-inject' ? { afterInjectStored: () => process.kill(process.pid, 'SIGKILL') } : {}),
    },
    restored,
  );
}
