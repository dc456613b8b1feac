import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeIssue } from '../../shared/exercise/scenario';
import { parseScenarioFile } from '../../shared/exercise/scenarioFile';
import { formatScenarioTime, parseScenarioTime } from '../../shared/exercise/scenarioTime';
import { SCENARIO_DIR as DIR, scenarioContext as context } from '../helpers/scenarios';

const BASE = `id: drill
title: Drill
start: 2025-03-04T06:00:00Z
cells:
  - id: quad-cell
    name: Quad cell
    template: quad
participants:
  - { id: usa-1, name: US analyst, nation: USA, clearance: SECRET }
  - { id: jpn-1, name: JP analyst, nation: JPN, clearance: SECRET }
msel:
  - id: I-01
    at: "+00:15"
    author: USA
    kind: create
    marking: SECRET//NOFORN
    title: Assessment
    content: text
`;

function issues(text: string): string[] {
  const result = parseScenarioFile(text, context);
  return result.ok ? [] : result.issues.map(describeIssue);
}

describe('scenario files', () => {
  test('every example scenario validates', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect({ file, issues: issues(fs.readFileSync(path.join(DIR, file), 'utf8')) }).toEqual({ file, issues: [] });
  });

  test('a valid scenario gets its defaults and times in milliseconds', () => {
    const result = parseScenarioFile(BASE, context);
    if (!result.ok) throw new Error(result.issues.map(describeIssue).join('\n'));
    expect(result.scenario.banner).toBe('EXERCISE EXERCISE EXERCISE');
    expect(result.scenario.msel[0]).toMatchObject({ at: 15 * 60_000, release: 'auto', objectKind: 'report', variants: [] });
  });

  test('JSON is read too, with lines', () => {
    const json = JSON.stringify({ id: 'x', title: 'X', start: '2025-03-04T06:00:00Z', cells: [{ id: 'c', name: 'C', template: 'nope' }], participants: [], msel: [] }, null, 2);
    expect(issues(json)).toEqual(['Line 12, participants: a scenario needs at least one participant.']);
    const fixed = json.replace('"participants": []', '"participants": [{ "id": "p", "name": "P", "nation": "USA", "clearance": "SECRET" }]');
    expect(issues(fixed)).toEqual(['Line 9, cells[0].template: "nope" is not a coalition template: use fvey, nato, fig, quad, jpn-kor-usa, adhoc.']);
  });

  test.each([
    ['a missing field', BASE.replace('    title: Assessment\n', ''), 'Line 12, msel[0].title: is missing.'],
    ['a misspelt field', BASE.replace('    title: Assessment', '    titel: Assessment'), 'Line 17, msel[0].titel: "titel" is not a field here; check its spelling.'],
    ['a bad scenario time', BASE.replace('"+00:15"', '"quarter past"'), 'Line 13, msel[0].at: "quarter past" is not a scenario time'],
    ['an unknown kind', BASE.replace('kind: create', 'kind: explode'), 'Line 15, msel[0].kind: must be one of "create", "edit"'],
    ['a marking that does not parse', BASE.replace('SECRET//NOFORN', 'SECRET//NOFORN/REL TO USA, JPN'), 'Line 16, msel[0].marking: "SECRET//NOFORN/REL TO USA, JPN" is not a valid marking in cell "quad-cell"'],
    ['a marking above system high', BASE.replace('SECRET//NOFORN', 'TOP SECRET//NOFORN'), 'Line 16, msel[0].marking: cell "quad-cell" is accredited up to SECRET'],
    ['an author outside the cell', BASE.replace('author: USA', 'author: POL').replace('SECRET//NOFORN', 'SECRET//REL TO USA, QUAD'), 'Line 14, msel[0].author: POL is not a member of cell "quad-cell"'],
    ['a marking its author nation could not see', BASE.replace('SECRET//NOFORN', 'SECRET//SI//NOFORN'), 'Line 16, msel[0].marking: no USA participant could see an object marked SECRET//SI//NOFORN'],
    ['a variant that is not wider', `${BASE}    variants:\n      - marking: TOP SECRET//NOFORN\n`, 'msel[0].variants[0].marking'],
    ['a condition on an unknown inject', `${BASE}    condition: { inject: I-99, expected: met }\n`, 'Line 19, msel[0].condition.inject: "I-99" is not another inject of this scenario.'],
    ['a YAML syntax error', BASE.replace('title: Drill', 'title: [Drill'), 'Line 3, the scenario: the file cannot be read: Flow sequence in block collection must be sufficiently indented and end with a ].'],
  ])('%s names its line and field', (_name, text, expected) => {
    expect(issues(text).join('\n')).toContain(expected);
  });

  test('a sanitised variant must reach more readers than the version before it', () => {
    const text = `${BASE}    variants:\n      - marking: SECRET//REL TO USA, QUAD\n      - marking: SECRET//REL TO USA, JPN\n`;
    expect(issues(text)).toEqual([expect.stringMatching(/^Line 21, msel\[0\]\.variants\[1\]\.marking: SECRET\/\/REL TO USA, JPN must reach more readers/)]);
  });
});

describe('scenario time', () => {
  test.each([
    ['+00:15', 15], ['1:02:30', 62.5], ['PT15M', 15], ['PT1H30M', 90], [45, 45], ['7.5', 7.5],
  ])('%s is %d minutes', (text, minutes) => {
    expect(parseScenarioTime(text)).toBe(minutes * 60_000);
  });

  test.each(['soon', '-00:15', 'PT', '00:75', -3])('%s is refused', (text) => {
    expect(parseScenarioTime(text)).toBeUndefined();
  });

  test('formats back to the offset planners write', () => {
    expect(formatScenarioTime(75 * 60_000)).toBe('+01:15');
    expect(formatScenarioTime(75 * 60_000 + 30_000)).toBe('+01:15:30');
    expect(parseScenarioTime(formatScenarioTime(123_000))).toBe(123_000);
  });
});
