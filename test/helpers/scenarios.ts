// The example scenarios of scenarios/, read and checked as the server will.
import fs from 'node:fs';
import path from 'node:path';
import { TEMPLATES } from '../../server/workspaces/templates';
import { describeIssue, type Scenario } from '../../shared/exercise/scenario';
import { resolveCell } from '../../shared/exercise/scenarioChecks';
import { parseScenarioFile } from '../../shared/exercise/scenarioFile';
import type { CellAudience } from '../../server/exercise/msel';

export const SCENARIO_DIR = path.resolve(import.meta.dirname, '../../scenarios');
export const scenarioContext = { templates: TEMPLATES };

export function loadScenario(name: string): Scenario {
  const result = parseScenarioFile(fs.readFileSync(path.join(SCENARIO_DIR, `${name}.yaml`), 'utf8'), scenarioContext);
  if (!result.ok) throw new Error(result.issues.map(describeIssue).join('\n'));
  return result.scenario;
}

/** Each cell of the scenario with the given access levels joined. */
export function audiencesOf(scenario: Scenario, levels: readonly string[]): Map<string, CellAudience> {
  return new Map(scenario.cells.map((cell) => [cell.id, { policy: resolveCell(cell, scenarioContext).policy, levels }]));
}
