// @vitest-environment happy-dom
// The answers of an RFI in the web client: only answer objects are listed (not other comments on
// it), each with its own mark; the form sends the text with the answer's own marking, refuses to
// send a blank answer, and shows the server's refusal in words.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { ObjectActions } from '../../client/src/workspace/ObjectActions';
import { RfiAnswers } from '../../client/src/rfi/RfiAnswers';
import { ServerError } from '../../client/src/session/errors';
import { StaticPicture } from '../../client/src/session/staticPicture';
import type { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { WorkspaceContext } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext } from '../helpers/clientWorkspace';

afterEach(cleanup);

const workspace = cellSummary({ members: ['USA', 'GBR', 'JPN'], defaultMarking: 'SECRET//REL TO USA, GBR, JPN' });

function envelope(id: string, kind: Envelope['kind'], marking: string, portion: string, parentId: string | null = null): Envelope {
  return { id, workspaceId: 'ws1', kind, marking, portion, originator: 'USA', parentId, orderKey: `a${id.length}`, createdBy: 'usa-analyst', createdAt: '2025-01-01T00:00:00.000Z', epoch: 0 };
}

const rfi = envelope('q1', 'rfi', 'SECRET//REL TO USA, GBR, JPN', '(S//REL TO USA, GBR, JPN)');
const answer = envelope('a1', 'comment', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)', 'q1');
const remark = envelope('c1x', 'comment', 'SECRET//REL TO USA, GBR, JPN', '(S//REL TO USA, GBR, JPN)', 'q1');

function renderAnswers(answerRfi: WorkspaceSession['answerRfi'], onAnswered = () => undefined, view: 'answers' | 'comments' = 'answers', more: Partial<WorkspaceSession> = {}) {
  const objects = [rfi, answer, remark];
  const shown = new StaticPicture(workspace, 'GBR|S|', objects, [
    { id: 'q1', epoch: 0, update: buildContent({ fields: { title: 'Who owns the tug?' } }) },
    { id: 'a1', epoch: 0, update: buildContent({ fields: { rfiAnswer: true }, body: 'The port authority.' }) },
    { id: 'c1x', epoch: 0, update: buildContent({ body: 'Asked the harbour master too.' }) },
  ]);
  const context = staticContext(shown, analysts.gbr, { session: { answerRfi, ...more } as unknown as WorkspaceSession, canEdit: true });
  render(
    <WorkspaceContext.Provider value={context}>
      {view === 'answers' ? <RfiAnswers rfi={rfi} onAnswered={onAnswered} /> : <ObjectActions envelope={rfi} />}
    </WorkspaceContext.Provider>,
  );
  if (view === 'comments') {
    // The threads open from the object's one actions menu.
    fireEvent.click(screen.getByRole('button', { name: `Actions ${rfi.portion}` }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Comments (1)' }));
  }
  return screen.getByRole('region', { name: view === 'answers' ? 'Answers' : `Comments on ${rfi.portion}` });
}

it('lists the answers with their own marks, not the other comments on the RFI', () => {
  const answers = renderAnswers(vi.fn());
  expect(answers.querySelectorAll('[data-answer-id]')).toHaveLength(1);
  expect(within(answers).getByText('The port authority.')).toBeTruthy();
  expect(within(answers).getByText('(S//REL TO USA, GBR)')).toBeTruthy();
  expect(within(answers).queryByText('Asked the harbour master too.')).toBeNull();
});

it('sends the answer with the marking given in its own field, and refuses to send a blank one', async () => {
  const answerRfi = vi.fn(async () => answer);
  const onAnswered = vi.fn();
  const answers = renderAnswers(answerRfi, onAnswered);
  const send = within(answers).getByRole('button', { name: 'Send answer' }) as HTMLButtonElement;
  fireEvent.change(within(answers).getByLabelText('Answer'), { target: { value: '   ' } });
  expect(send.disabled).toBe(true);
  fireEvent.change(within(answers).getByLabelText('Answer'), { target: { value: 'Registered in Panama.' } });
  const marking = within(answers).getByLabelText('Answer marking (its own; no wider than SECRET//REL TO USA, GBR, JPN)') as HTMLInputElement;
  expect(marking.value).toBe('SECRET//REL TO USA, GBR, JPN');
  fireEvent.change(marking, { target: { value: 'SECRET//REL TO USA, GBR' } });
  fireEvent.click(send);
  await waitFor(() => expect(onAnswered).toHaveBeenCalledTimes(1));
  expect(answerRfi).toHaveBeenCalledWith({ rfiId: 'q1', marking: 'SECRET//REL TO USA, GBR', text: 'Registered in Panama.' });
});

it('shows the server’s refusal in words', async () => {
  const answerRfi = vi.fn(async () => {
    throw new ServerError('bad_marking', 'An answer may not be marked wider than what it is on (SECRET//REL TO USA, GBR, JPN).');
  });
  const answers = renderAnswers(answerRfi);
  fireEvent.change(within(answers).getByLabelText('Answer'), { target: { value: 'x' } });
  fireEvent.click(within(answers).getByRole('button', { name: 'Send answer' }));
  // The server's sentence alone, word for word, with nothing put in front of it.
  await waitFor(() => expect(within(answers).getByRole('alert').textContent).toBe('An answer may not be marked wider than what it is on (SECRET//REL TO USA, GBR, JPN).'));
});

it('shows a comment’s refusal word for word too', async () => {
  const createComment = vi.fn(async () => {
    throw new ServerError('forbidden', 'JPN may not read a comment marked SECRET//REL TO USA, GBR on this item, so it cannot be mentioned in it.');
  });
  const threads = renderAnswers(vi.fn(), undefined, 'comments', { createComment });
  fireEvent.change(within(threads).getByLabelText('Comment (mention with @GBR or @person)'), { target: { value: 'ask @JPN' } });
  fireEvent.click(within(threads).getByRole('button', { name: 'Post comment' }));
  await waitFor(() => expect(within(threads).getByRole('alert').textContent).toBe('JPN may not read a comment marked SECRET//REL TO USA, GBR on this item, so it cannot be mentioned in it.'));
  expect(createComment).toHaveBeenCalledWith({ onId: 'q1', marking: 'SECRET//REL TO USA, GBR, JPN', text: 'ask @JPN', mentions: [{ kind: 'nation', nation: 'JPN' }] });
});

it('opens an RFI’s comment threads from its actions menu, listing its comments but not its answers', () => {
  const threads = renderAnswers(vi.fn(), undefined, 'comments');
  expect(within(threads).getByText('Asked the harbour master too.')).toBeTruthy();
  expect(within(threads).queryByText('The port authority.')).toBeNull();
});

it('offers under a comment only the nations that may read it at the marking typed, and completes the mention picked', () => {
  const threads = renderAnswers(vi.fn(), undefined, 'comments');
  const text = within(threads).getByLabelText('Comment (mention with @GBR or @person)') as HTMLTextAreaElement;
  fireEvent.change(text, { target: { value: 'ask @' } });
  const picker = () => within(threads).getByRole('list', { name: 'Who may read this comment' });
  expect(within(picker()).getAllByRole('button').map((b) => b.textContent)).toEqual(['USA (everyone of USA in the cell)', 'GBR (everyone of GBR in the cell)', 'JPN (everyone of JPN in the cell)']);
  fireEvent.change(within(threads).getByLabelText(/^Comment marking/), { target: { value: 'SECRET//REL TO USA, GBR' } });
  expect(within(picker()).queryByRole('button', { name: /^JPN/ })).toBeNull();
  fireEvent.click(within(picker()).getByRole('button', { name: /^GBR/ }));
  expect(text.value).toBe('ask @GBR ');
  expect(within(threads).queryByRole('list', { name: 'Who may read this comment' })).toBeNull();
});
