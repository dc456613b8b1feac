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

/** Who a scenario names, how its one cell is classified and what it shows as a banner. */
export interface ScenarioHead {
  id: string;
  title: string;
  banner?: string;
  systemHigh?: string;
  /** YAML flow maps, one a participant. */
  participants: readonly string[];
}

/**
 * A scenario file's text with one ad hoc cell of USA, GBR and JPN (SECRET unless `head` says) and
 * the MSEL's YAML (its `- id:` items).
 */
export function cellScenario(head: ScenarioHead, msel: string): string {
  return `id: ${head.id}
title: ${head.title}
start: 2025-03-04T06:00:00Z
${head.banner === undefined ? '' : `banner: ${head.banner}\n`}cells:
  - { id: cell, name: Drill cell, template: adhoc, members: [USA, GBR, JPN], systemHigh: ${head.systemHigh ?? 'SECRET'} }
participants:
${head.participants.map((participant) => `  - ${participant}\n`).join('')}msel:
${msel}`;
}

/**
 * A three-nation drill (USA, GBR, JPN in one ad hoc cell at SECRET, with a white cell) as a
 * scenario file's text, with the given banner and the MSEL's YAML (its `- id:` items).
 */
export function drillScenario(banner: string, msel: string): string {
  return cellScenario(
    {
      id: 'drill',
      title: 'Three-nation drill',
      banner,
      participants: [
        '{ id: us-1, name: US analyst, nation: USA, clearance: SECRET }',
        '{ id: gb-1, name: UK analyst, nation: GBR, clearance: SECRET }',
        '{ id: jp-1, name: JP analyst, nation: JPN, clearance: SECRET }',
        '{ id: white, name: White cell, nation: USA, clearance: SECRET, roles: [viewer], exerciseRole: excon }',
      ],
    },
    msel,
  );
}

/**
 * MSEL item I-01 at +00:01: a NOFORN US assessment (`noforn`) whose variant for all three is
 * `sanitised`, with the evaluators' `expect` (a YAML flow map) if given.
 */
export function assessmentInject(noforn: string, sanitised: string, expect?: string): string {
  return `  - id: I-01
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//NOFORN
    title: US assessment
    content: ${noforn}
${expect === undefined ? '' : `    expect: ${expect}\n`}    variants:
      - { marking: "SECRET//REL TO USA, GBR, JPN", title: Assessment (sanitised), content: ${sanitised} }
`;
}

/** MSEL item I-01 at +00:01: an assessment all three nations read, its text SHARED. */
export const SHARED_ASSESSMENT = `  - id: I-01
    at: "+00:01"
    author: USA
    kind: create
    marking: SECRET//REL TO USA, GBR, JPN
    title: Shared assessment
    content: SHARED
`;

/** The participant a join inject brings in: a Korean liaison in no cell, signed in as kor-analyst. */
export const KOREAN_LIAISON = '{ id: kr-liaison, name: Korean liaison, nation: KOR, clearance: SECRET, cells: [], sub: kor-analyst }';

/** MSEL item J-01 at +00:10: the Korean liaison joins the cell. */
export const LIAISON_JOINS = `  - id: J-01
    at: "+00:10"
    author: USA
    kind: join
    participant: kr-liaison
    marking: UNCLASSIFIED
    title: Korean liaison joins
`;
