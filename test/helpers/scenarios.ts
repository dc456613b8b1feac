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

/**
 * A three-nation drill (USA, GBR, JPN in one ad hoc cell at SECRET, with a white cell) as a
 * scenario file's text, with the given banner and the MSEL's YAML (its `- id:` items).
 */
export function drillScenario(banner: string, msel: string): string {
  return `id: drill
title: Three-nation drill
start: 2025-03-04T06:00:00Z
banner: ${banner}
cells:
  - { id: cell, name: Drill cell, template: adhoc, members: [USA, GBR, JPN], systemHigh: SECRET }
participants:
  - { id: us-1, name: US analyst, nation: USA, clearance: SECRET }
  - { id: gb-1, name: UK analyst, nation: GBR, clearance: SECRET }
  - { id: jp-1, name: JP analyst, nation: JPN, clearance: SECRET }
  - { id: white, name: White cell, nation: USA, clearance: SECRET, roles: [viewer], exerciseRole: excon }
msel:
${msel}`;
}
