// @vitest-environment happy-dom
// Evaluator mode in the web client: the Observations panel lists what the server answers, records an
// observation with its inject, expected action, text and marking, reads the list again when the
// server says one was recorded, and shows a refusal in words; the exercise clock learns the
// person's seat, and a watcher's badge says they read only.
import { EventEmitter } from 'node:events';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { Observation } from '../../shared/protocol';
import { ExerciseClock } from '../../client/src/exercise/exerciseClock';
import { ObservationsPanel } from '../../client/src/exercise/ObservationsPanel';
import { WatcherBadge } from '../../client/src/exercise/WatcherBadge';
import type { Connection } from '../../client/src/session/connection';
import { ServerError } from '../../client/src/session/errors';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { WorkspaceContext } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext } from '../helpers/clientWorkspace';

afterEach(cleanup);

const workspace = cellSummary({ name: 'Drill cell', members: ['USA', 'GBR', 'JPN'], defaultMarking: 'SECRET//REL TO USA, GBR, JPN', exercise: true, createdBy: 'usa-excon' });

const recorded: Observation = {
  injectId: 'I-01',
  expectedAction: 'Share the assessment',
  text: 'GBR shared within minutes',
  marking: 'SECRET//REL TO USA, GBR',
  scenarioMs: 90_000,
  scenarioTime: '2025-03-04T06:01:30.000Z',
  zulu: '2026-11-30T17:00:00.000Z',
  author: { sub: 'gbr-analyst', nation: 'GBR', role: 'evaluator' },
};

function fakeConnection(answer: (event: string, payload: unknown) => unknown) {
  const socket = new EventEmitter();
  const request = vi.fn(async (event: string, payload: unknown) => answer(event, payload));
  return { connection: { request, socket } as unknown as Pick<Connection, 'request' | 'socket'>, request, socket };
}

function renderPanel(connection: Pick<Connection, 'request' | 'socket'>) {
  const picture = new StaticPicture(workspace, 'GBR|S|', [], []);
  render(
    <WorkspaceContext.Provider value={staticContext(picture, analysts.gbr)}>
      <ObservationsPanel connection={connection} workspaceId="ws1" injectIds={['I-01', 'I-03']} />
    </WorkspaceContext.Provider>,
  );
  return screen.getByRole('region', { name: 'Observations' });
}

it('records an observation with its inject, expected action, text and marking, and lists what the server answers', async () => {
  let list: Observation[] = [];
  const { connection, request, socket } = fakeConnection((event) => {
    if (event === 'exercise:observations') return { observations: list };
    if (event === 'exercise:observe') {
      list = [recorded];
      return { observation: recorded };
    }
    throw new Error(`unexpected ${event}`);
  });
  const panel = renderPanel(connection);
  await waitFor(() => expect(within(panel).getByText('No observations yet.')).toBeTruthy());
  const record = within(panel).getByRole('button', { name: 'Record observation' }) as HTMLButtonElement;
  expect(record.disabled).toBe(true);
  fireEvent.change(within(panel).getByLabelText('Inject'), { target: { value: 'I-01' } });
  fireEvent.change(within(panel).getByLabelText('Expected action (optional)'), { target: { value: 'Share the assessment' } });
  fireEvent.change(within(panel).getByLabelText('Observation'), { target: { value: '  GBR shared within minutes ' } });
  await waitFor(() => expect(record.disabled).toBe(false));
  fireEvent.click(record);
  await waitFor(() => expect(within(panel).getAllByTestId('observation')).toHaveLength(1));
  expect(request).toHaveBeenCalledWith('exercise:observe', {
    workspaceId: 'ws1',
    injectId: 'I-01',
    expectedAction: 'Share the assessment',
    text: 'GBR shared within minutes',
    marking: 'SECRET//REL TO USA, GBR, JPN',
  });
  const item = within(panel).getByTestId('observation');
  expect(item.textContent).toContain('(SECRET//REL TO USA, GBR)');
  expect(item.textContent).toContain('I-01 · scenario +00:01:30');
  expect(item.textContent).toContain('GBR shared within minutes');

  // Another evaluator's observation: the server tells, the panel reads the list again.
  list = [recorded, { ...recorded, text: 'Second look', injectId: null }];
  const reads = request.mock.calls.filter(([event]) => event === 'exercise:observations').length;
  socket.emit('exercise:observation', list[1]);
  await waitFor(() => expect(within(panel).getAllByTestId('observation')).toHaveLength(2));
  expect(request.mock.calls.filter(([event]) => event === 'exercise:observations').length).toBe(reads + 1);
});

it('shows the server’s refusal in words', async () => {
  const { connection } = fakeConnection((event) => {
    if (event === 'exercise:observations') return { observations: [] };
    throw new ServerError('forbidden', 'An exercise observer watches the cell and may not record observations: only exercise control (EXCON) and evaluators may.');
  });
  const panel = renderPanel(connection);
  fireEvent.change(within(panel).getByLabelText('Observation'), { target: { value: 'x' } });
  const record = within(panel).getByRole('button', { name: 'Record observation' }) as HTMLButtonElement;
  await waitFor(() => expect(record.disabled).toBe(false));
  fireEvent.click(record);
  await waitFor(() => expect(within(panel).getByText(/An exercise observer watches the cell/)).toBeTruthy());
});

it('the clock learns the seat from exercise:status, and a watcher’s badge says they read only', async () => {
  const clockView = { workspaceId: 'ws1', banner: 'EXERCISE', scenarioTitle: 'Drill', status: 'running', speed: 1, scenarioMs: 0, scenarioTime: '', zulu: '', startex: '', realWorld: null };
  const { connection } = fakeConnection(() => ({ clock: clockView, seat: 'observer' }));
  const clock = new ExerciseClock(connection, 'ws1');
  expect(clock.getSeat()).toBeNull();
  await clock.refresh();
  expect(clock.getSeat()).toBe('observer');
  render(<WatcherBadge seat="observer" />);
  expect(screen.getByRole('status', { name: 'Your exercise seat' }).textContent).toBe('Observer — read only');
});
