// `POST /api/exercises`: exercise control creates the cells of a scenario (YAML or JSON text) as
// exercise cells, and a runner for them with its clock stopped at STARTEX. A scenario with faults
// is refused whole, each fault a sentence naming its line and field.
import { z } from 'zod';
import { describeIssue } from '../../../shared/exercise/scenario';
import { parseScenarioFile } from '../../../shared/exercise/scenarioFile';
import type { WorkspaceSummary } from '../../../shared/protocol';
import type { Identity } from '../../auth/verifier';
import { forbidden, TearlineError } from '../../errors';
import { ExerciseRunner } from '../../exercise/runner';
import { auditActor } from '../../sessions/session';
import { parseOrRefuse } from '../../validation';
import { workspaceRoom } from '../../rooms/roomNames';
import { TEMPLATES } from '../../workspaces/templates';
import type { Context } from '../context';

export const newExerciseSchema = z.strictObject({
  /** The scenario file's text, YAML or JSON. */
  scenario: z.string().min(1).max(1_000_000),
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
  ctx.exercises.add(
    new ExerciseRunner(scenario, cells, {
      cells: ctx.cells,
      audit: ctx.audit,
      fanout: ctx.fanout,
      broadcast: (clock) => ctx.io.to(workspaceRoom(clock.workspaceId)).emit('exercise:clock', clock),
      log: ctx.log,
      now: () => Date.now(),
    }),
  );
  return { scenarioId: scenario.id, cells: created };
}
