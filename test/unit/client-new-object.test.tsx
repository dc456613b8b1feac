// @vitest-environment happy-dom
// The forms that create an object (one hook, useNewObject, serves them all): the object is sent
// with the marking picked (the cell's default to start with), the form learns the new object's id,
// and a refusal is shown after the form's own words.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { Envelope } from '../../shared/protocol';
import { NewFeatureForm } from '../../client/src/map/NewFeatureForm';
import { NewReportForm } from '../../client/src/reports/NewReportForm';
import { ServerError } from '../../client/src/session/errors';
import { StaticPicture } from '../../client/src/session/staticPicture';
import type { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { WorkspaceContext } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext } from '../helpers/clientWorkspace';

afterEach(cleanup);

function renderForm(createObject: WorkspaceSession['createObject'], form: React.ReactNode) {
  const shown = new StaticPicture(cellSummary(), 'USA|S|', [], []);
  const session = { createObject } as unknown as WorkspaceSession;
  render(<WorkspaceContext.Provider value={staticContext(shown, analysts.usa, { session, canEdit: true })}>{form}</WorkspaceContext.Provider>);
}

it('creates a report with the cell’s default marking and hands its id on', async () => {
  const createObject = vi.fn(async () => ({ id: 'r9' }) as Envelope);
  const onCreated = vi.fn();
  renderForm(createObject, <NewReportForm onCreated={onCreated} />);
  fireEvent.change(screen.getByLabelText('Title'), { target: { value: ' Morning summary ' } });
  fireEvent.click(screen.getByRole('button', { name: 'Create report' }));
  await waitFor(() => expect(onCreated).toHaveBeenCalledWith('r9'));
  expect(createObject).toHaveBeenCalledWith({ kind: 'report', fields: { title: 'Morning summary' }, marking: 'SECRET//REL TO USA, FVEY' });
  expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('');
});

it('shows a refusal after the form’s words and keeps what was typed', async () => {
  const createObject = vi.fn(async () => {
    throw new ServerError('forbidden', 'You may not write in this cell.');
  });
  const onCreated = vi.fn();
  renderForm(createObject, <NewReportForm onCreated={onCreated} />);
  fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Morning summary' } });
  fireEvent.click(screen.getByRole('button', { name: 'Create report' }));
  await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('The report was not created: You may not write in this cell.'));
  expect(onCreated).not.toHaveBeenCalled();
  expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Morning summary');
});

it('reports a feature whose positions make no geometry as a refusal, sending nothing', async () => {
  const createObject = vi.fn(async () => ({ id: 'f1' }) as Envelope);
  const onDone = vi.fn();
  // Three positions on one line: an area with no surface cannot be written.
  renderForm(createObject, <NewFeatureForm kind="Polygon" vertices={[[120, 24], [121, 25], [122, 26]]} onVertices={() => undefined} onDone={onDone} />);
  fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Anchorage' } });
  fireEvent.click(screen.getByRole('button', { name: 'Add area' }));
  await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^The area was not added: /));
  expect(createObject).not.toHaveBeenCalled();
  expect(onDone).not.toHaveBeenCalled();
});
