// EXCON's own injects: a blank exercise cell's runner starts with an empty MSEL (`blankScenario`),
// and EXCON adds injects to any exercise's MSEL, or rewrites one still planned, while it runs.
// Each is checked exactly as a scenario file's inject is (shape, markings under the cell's
// policy, author and targets): the scenario with it is read again whole by the scenario reader.
import { parseDocument } from 'yaml';
import { formatPath, type Inject, type Scenario, type ScenarioIssue } from '../../shared/exercise/scenario';
import { formatScenarioTime } from '../../shared/exercise/scenarioTime';
import { parseScenarioFile } from '../../shared/exercise/scenarioFile';
import type { ScenarioContext } from '../../shared/exercise/scenarioChecks';
import { memberNations } from '../../shared/membership';
import type { WorkspaceSummary } from '../../shared/protocol';

/** The one scenario cell of a blank exercise cell. */
export const BLANK_CELL_ID = 'cell';

/** A blank exercise cell's scenario (JSON, which the scenario reader reads): the cell, one player seat per member nation, no injects. */
export function blankScenario(workspace: WorkspaceSummary): string {
  const nations = [...memberNations(workspace)].sort();
  return JSON.stringify({
    id: 'blank',
    title: workspace.name,
    start: workspace.createdAt,
    cells: [{ id: BLANK_CELL_ID, name: workspace.name, members: workspace.members, groups: workspace.groups, systemHigh: workspace.systemHigh }],
    participants: nations.map((nation) => ({ id: `players-${nation}`, name: `${nation} players`, nation, clearance: workspace.systemHigh })),
    msel: [],
  });
}

/** An inject as EXCON writes it: the fields of a scenario file's inject (checked by the scenario reader). */
export type InjectInput = Record<string, unknown> & { id?: string };

export type Amended = { ok: true; text: string; scenario: Scenario } | { ok: false; faults: string[] };

/**
 * The scenario text with `inject` added (or put in place of the inject of the same id), read
 * again whole; its faults, each a sentence naming the inject's field.
 */
export function amendScenario(text: string, inject: InjectInput & { id: string }, context: ScenarioContext): Amended {
  return amendScenarioWith(text, [inject], context);
}

/**
 * As amendScenario for several injects at once (an imported MSEL): all of them, or none. With
 * more than one, each fault of an inject names it.
 */
export function amendScenarioWith(text: string, injects: readonly (InjectInput & { id: string })[], context: ScenarioContext): Amended {
  const raw = parseDocument(text).toJS() as { msel?: InjectInput[] };
  const msel = [...(raw.msel ?? [])];
  const placed = new Map<number, string>();
  for (const inject of injects) {
    const index = msel.findIndex((existing) => existing.id === inject.id);
    const position = index < 0 ? msel.length : index;
    msel[position] = inject;
    placed.set(position, inject.id);
  }
  const next = JSON.stringify({ ...raw, msel });
  const parsed = parseScenarioFile(next, context);
  if (parsed.ok) return { ok: true, text: next, scenario: parsed.scenario };
  return { ok: false, faults: parsed.issues.map((issue) => describeFault(issue, placed, injects.length === 1)) };
}

/** A parsed inject as the scenario file writes it: its times as text the reader reads back. */
export function injectInput(inject: Inject): InjectInput & { id: string } {
  const at = formatScenarioTime(inject.at);
  return inject.expect?.within === undefined ? { ...inject, at } : { ...inject, at, expect: { ...inject.expect, within: formatScenarioTime(inject.expect.within) } };
}

function describeFault(issue: ScenarioIssue, placed: ReadonlyMap<number, string>, single: boolean): string {
  const id = issue.path[0] === 'msel' && typeof issue.path[1] === 'number' ? placed.get(issue.path[1]) : undefined;
  if (id === undefined) return `${formatPath(issue.path)}: ${issue.message}`;
  return `${single ? '' : `inject ${id}, `}${formatPath(issue.path.slice(2))}: ${issue.message}`;
}
