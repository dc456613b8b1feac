// @vitest-environment happy-dom
// EXCON's "Add inject" form: it sends the inject as typed (scenario time, nation, kind, marking,
// title, content) with `exercise:inject:add`, clears itself once the server accepts it, and shows a
// refusal in the server's words while keeping what was typed. Nothing is sent without a scenario
// time it can read, a marking and a title.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { MselRow } from '../../shared/protocol';
import { AddInjectForm } from '../../client/src/exercise/AddInjectForm';
import { ServerError } from '../../client/src/session/errors';

afterEach(cleanup);

const row: MselRow = {
  id: 'X-01',
  at: 120_000,
  author: 'USA',
  kind: 'create',
  marking: 'SECRET//REL TO USA, GBR',
  title: 'For the UK',
  release: 'auto',
  state: 'planned',
  objects: [],
  unreached: [],
  expected: null,
};

function type(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

it('sends the inject as typed and clears once it is accepted', async () => {
  const request = vi.fn(async () => ({ inject: row }));
  const onAdded = vi.fn();
  render(<AddInjectForm connection={{ request } as never} workspaceId="ws1" nation="USA" onAdded={onAdded} />);
  const add = screen.getByRole('button', { name: 'Add inject' });
  expect((add as HTMLButtonElement).disabled).toBe(true);
  type('At', 'soon');
  type('Marking', 'SECRET//REL TO USA, GBR');
  type('Title', 'For the UK');
  expect((add as HTMLButtonElement).disabled).toBe(true);
  type('At', '+00:02');
  type('Content', 'The text.');
  fireEvent.click(add);
  await vi.waitFor(() => expect(onAdded).toHaveBeenCalledWith(row));
  expect(request).toHaveBeenCalledWith('exercise:inject:add', {
    workspaceId: 'ws1',
    inject: { at: '+00:02', author: 'USA', kind: 'create', objectKind: 'report', marking: 'SECRET//REL TO USA, GBR', title: 'For the UK', content: 'The text.' },
  });
  expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('');
});

it("shows the server's refusal and keeps what was typed", async () => {
  const request = vi.fn(async () => {
    throw new ServerError('bad_request', 'The inject has 1 fault:\nmarking: "XXX" is not a country trigraph or group.');
  });
  const onAdded = vi.fn();
  render(<AddInjectForm connection={{ request } as never} workspaceId="ws1" nation="GBR" onAdded={onAdded} />);
  type('At', '+00:05');
  type('Kind', 'message');
  type('Marking', 'SECRET//REL TO USA, XXX');
  type('Title', 'To the role players');
  fireEvent.click(screen.getByRole('button', { name: 'Add inject' }));
  expect(await screen.findByText(/is not a country trigraph or group/)).toBeTruthy();
  expect(request).toHaveBeenCalledWith('exercise:inject:add', {
    workspaceId: 'ws1',
    inject: { at: '+00:05', author: 'GBR', kind: 'message', marking: 'SECRET//REL TO USA, XXX', title: 'To the role players', content: '' },
  });
  expect(onAdded).not.toHaveBeenCalled();
  expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('To the role players');
});
