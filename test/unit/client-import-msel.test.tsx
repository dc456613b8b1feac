// @vitest-environment happy-dom
// EXCON's "Import MSEL (CSV)": the chosen file is sent as a dry run first; the server's faults are
// shown one per line and nothing is applied, or its preview ("3 injects: 2 new, 1 changed") is
// shown and the same text is sent for real only when EXCON presses Apply.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { MselImportRow } from '../../shared/protocol';
import { ImportMselForm } from '../../client/src/exercise/ImportMselForm';
import { ServerError } from '../../client/src/session/errors';

afterEach(cleanup);

const CSV = 'id,at,author,kind,marking,title,content\nA-01,+00:02,USA,create,UNCLASSIFIED,First,x\n';
const injects: MselImportRow[] = [
  { id: 'A-01', at: 120_000, title: 'First', change: 'added' },
  { id: 'A-02', at: 180_000, title: 'Second', change: 'added' },
  { id: 'I-03', at: 600_000, title: 'Third', change: 'changed' },
];

function choose(text: string) {
  fireEvent.change(screen.getByLabelText('Import MSEL (CSV)'), { target: { files: [new File([text], 'msel.csv', { type: 'text/csv' })] } });
}

it('previews a dry run and applies the same file only on Apply', async () => {
  const request = vi.fn(async (_event: string, payload: { dryRun?: boolean }) => ({ applied: !payload.dryRun, injects }));
  const onImported = vi.fn();
  render(<ImportMselForm connection={{ request } as never} workspaceId="ws1" onImported={onImported} />);
  choose(CSV);
  expect(await screen.findByText('msel.csv: 3 injects: 2 new, 1 changed')).toBeTruthy();
  expect(screen.getByText('I-03 at +00:10:00: Third (changed)')).toBeTruthy();
  expect(request).toHaveBeenCalledTimes(1);
  expect(request).toHaveBeenCalledWith('exercise:msel:import', { workspaceId: 'ws1', csv: CSV, dryRun: true });
  expect(onImported).not.toHaveBeenCalled();

  fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
  expect(await screen.findByRole('status')).toHaveProperty('textContent', 'Imported msel.csv: 3 injects: 2 new, 1 changed.');
  expect(request).toHaveBeenLastCalledWith('exercise:msel:import', { workspaceId: 'ws1', csv: CSV });
  expect(onImported).toHaveBeenCalledTimes(1);
  expect(screen.queryByRole('button', { name: 'Apply' })).toBeNull();
});

it("lists each of the server's faults on a line of its own and offers nothing to apply", async () => {
  const request = vi.fn(async () => {
    throw new ServerError('bad_request', 'The MSEL file has 2 faults:\nRow 3, column marking (E): "XXX" is not a country trigraph or group.\nRow 4, column at (B): "soon" is not a scenario time.');
  });
  const onImported = vi.fn();
  render(<ImportMselForm connection={{ request } as never} workspaceId="ws1" onImported={onImported} />);
  choose(CSV);
  const alert = await screen.findByRole('alert');
  expect([...alert.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
    'Row 3, column marking (E): "XXX" is not a country trigraph or group.',
    'Row 4, column at (B): "soon" is not a scenario time.',
  ]);
  expect(alert.textContent).toContain('msel.csv cannot be imported: The MSEL file has 2 faults:');
  expect(screen.queryByRole('button', { name: 'Apply' })).toBeNull();
  expect(request).toHaveBeenCalledTimes(1);
  expect(onImported).not.toHaveBeenCalled();
});
