import fs from 'node:fs';
import { describe, expect, test } from 'vitest';
import { describeCsvIssue, exportMsel, importMsel, MSEL_COLUMNS } from '../../shared/exercise/mselCsv';
import { loadScenario, SCENARIO_DIR, scenarioContext } from '../helpers/scenarios';

const quad = loadScenario('quad-maritime-militia');
const HEADER = MSEL_COLUMNS.map((c) => c.name).join(',');

function problems(csv: string): string[] {
  const result = importMsel(csv, quad, scenarioContext);
  return result.ok ? [] : result.issues.map((issue) => describeCsvIssue(issue));
}

describe('MSEL as CSV', () => {
  test.each(fs.readdirSync(SCENARIO_DIR).map((f) => f.replace(/\.yaml$/, '')))('%s survives a round trip', (name) => {
    const scenario = loadScenario(name);
    const csv = exportMsel(scenario.msel);
    expect(importMsel(csv, scenario, scenarioContext)).toEqual({ ok: true, msel: scenario.msel });
    expect(csv.split('\n')[0]).toBe(HEADER);
  });

  test('variants are rows of their own, and commas, quotes and line breaks survive', () => {
    const tricky = [{ ...quad.msel[1]!, content: 'Line one, with a comma\nline "two"' }];
    const csv = exportMsel(tricky);
    expect(csv.trim().split('\n').filter((line) => line.startsWith(',I-02,'))).toHaveLength(1);
    const result = importMsel(csv, quad, scenarioContext);
    expect(result.ok && result.msel[0]!.content).toBe('Line one, with a comma\nline "two"');
    expect(result.ok && result.msel[0]!.variants).toEqual(quad.msel[1]!.variants);
  });

  test("a fault's column letter is the file's own, whatever its column order", () => {
    const result = importMsel('id,at,author,kind,marking,title,content\nA-1,+00:01,USA,create,"SECRET//REL TO USA, XXX",Bad,x\n', quad, scenarioContext);
    expect(!result.ok && result.issues.map((issue) => describeCsvIssue(issue, result.header))).toEqual([expect.stringMatching(/^Row 2, column marking \(E\): .*XXX/)]);
  });

  test('an unknown or missing column is named', () => {
    expect(problems('id,at,author,kind,marking,titel\n')).toEqual([
      'Row 1, column titel: "titel" is not an MSEL column; the columns are id, variant_of, at, author, kind, object_kind, cells, to, from, marking, title, content, target, release_to, participant, release, objective, expected_action, expected_audit, expected_by, expected_within, condition_inject, condition_expected.',
      'Row 1: the column "title" is missing.',
    ]);
  });

  test('each fault names its row and column, in the sentences the scenario file uses', () => {
    const lines = exportMsel(quad.msel.slice(0, 2)).trim().split('\n');
    const cols = [...lines];
    cols[1] = cols[1]!.replace(',+00:00,', ',soon,');
    cols[3] = cols[3]!.replace(',I-02,', ',I-09,');
    expect(problems(`${cols.join('\n')}\n`)).toEqual([
      'Row 4, column variant_of (B): no earlier row has the inject id "I-09".',
      'Row 2, column at (C): "soon" is not a scenario time: write it as an offset from the start such as "+00:15", an ISO duration such as "PT15M", or a number of minutes.',
    ]);
    const marking = [lines[0], lines[2]].join('\n').replace('SECRET//NOFORN', '"SECRET//NOFORN/REL TO USA, JPN"');
    expect(problems(marking)).toEqual([
      'Row 2, column marking (J): "SECRET//NOFORN/REL TO USA, JPN" is not a valid marking in cell "quad-cell": NOFORN cannot be combined with REL TO: NOFORN means no foreign release.',
    ]);
    const variant = [lines[0], lines[2], lines[3]!.replace('SECRET//REL TO USA, QUAD', 'TOP SECRET//NOFORN')].join('\n');
    expect(problems(variant)).toEqual([expect.stringMatching(/^Row 3, column marking \(J\): cell "quad-cell" is accredited up to SECRET/)]);
  });
});
