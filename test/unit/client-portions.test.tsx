// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import { paragraphName } from '../../shared/paragraphName';
import type { Envelope, PresenceState } from '../../shared/protocol';
import type { Identity } from '../../client/src/session/identity';
import type { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { ObjectReplica } from '../../client/src/session/replica';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { ReportView } from '../../client/src/reports/ReportView';
import { CollaborativeText } from '../../client/src/text/CollaborativeText';
import { encodeCursor } from '../../client/src/text/cursor';
import { WorkspaceContext, type WorkspaceContextValue } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext } from '../helpers/clientWorkspace';

afterEach(cleanup);

const workspace = cellSummary({ systemHigh: 'TOP SECRET' });

function envelope(id: string, kind: Envelope['kind'], marking: string, portion: string, extra: Partial<Envelope> = {}): Envelope {
  return {
    id,
    workspaceId: 'ws1',
    kind,
    marking,
    portion,
    originator: 'USA',
    parentId: null,
    orderKey: 'a0',
    createdBy: 'usa-analyst',
    createdAt: '2025-01-01T00:00:00.000Z',
    epoch: 0,
    ...extra,
  };
}

const report = envelope('r1', 'report', 'SECRET//REL TO USA, FVEY', '(S//REL TO USA, FVEY)');
// Created in a different order from their place in the report: order comes from orderKey.
const shared = envelope('p-shared', 'portion', 'SECRET//REL TO USA, AUS', '(S//REL TO USA, AUS)', {
  parentId: 'r1',
  orderKey: 'a0',
  createdAt: '2025-01-01T00:03:00.000Z',
});
const middle = envelope('p-open', 'portion', 'UNCLASSIFIED', '(U)', { parentId: 'r1', orderKey: 'a0V', createdAt: '2025-01-01T00:01:00.000Z' });
const noforn = envelope('p-nf', 'portion', 'SECRET//NOFORN', '(S//NF)', { parentId: 'r1', orderKey: 'a1', createdAt: '2025-01-01T00:02:00.000Z' });

const texts: Record<string, string> = {
  'p-shared': 'Convoy of six trucks sighted heading north.',
  'p-open': 'Weather clear.',
  'p-nf': 'Source is a US asset.',
};

function picture(objects: Envelope[]): StaticPicture {
  const docs = objects.map((object) => ({
    id: object.id,
    epoch: 0,
    update: object.kind === 'report' ? buildContent({ fields: { title: 'Morning summary' } }) : buildContent({ body: texts[object.id] }),
  }));
  return new StaticPicture(workspace, 'AUS|S|', objects, docs);
}

const aus = analysts.aus;
const usa: Identity = { ...analysts.usa, clearance: 'TOP SECRET' };

function renderReport(objects: Envelope[], identity: Identity, editing?: Pick<WorkspaceContextValue, 'session' | 'canEdit'>) {
  const shown = picture(objects);
  render(
    <WorkspaceContext.Provider value={staticContext(shown, identity, editing)}>
      <ReportView reportId="r1" onClose={() => undefined} />
    </WorkspaceContext.Provider>,
  );
  const paragraphs = within(screen.getByRole('list', { name: 'Paragraphs' })).getAllByRole('listitem');
  return paragraphs.map((item) => {
    const body = item.querySelector('.portion-body')!;
    return { mark: body.firstElementChild!.textContent, text: within(item).getByRole('textbox').textContent };
  });
}

describe('report portions', () => {
  it('shows every paragraph in orderKey order, each opening with its own portion mark', () => {
    const paragraphs = renderReport([noforn, report, shared, middle], usa);
    expect(paragraphs).toEqual([
      { mark: '(S//REL TO USA, AUS)', text: texts['p-shared'] },
      { mark: '(U)', text: texts['p-open'] },
      { mark: '(S//NF)', text: texts['p-nf'] },
    ]);
    expect(screen.getByTestId('report-rollup').textContent).toBe('SECRET//NOFORN');
  });

  it('shows a partner only the paragraphs released to them, still in order', () => {
    const paragraphs = renderReport([middle, shared, report], aus);
    expect(paragraphs.map((p) => p.mark)).toEqual(['(S//REL TO USA, AUS)', '(U)']);
    expect(screen.queryByText(/US asset/)).toBeNull();
    expect(screen.getByTestId('report-rollup').textContent).toBe('SECRET//REL TO USA, AUS');
    expect((screen.getByLabelText('Report title') as HTMLInputElement).value).toBe('Morning summary');
  });
});

describe('placing a paragraph, from its one actions menu', () => {
  function editing() {
    const moveObject = vi.fn(async () => middle);
    // The notice lasts until the grace period ends, so it must end in the future.
    const deleteObject = vi.fn(async () => new Date(Date.now() + 60_000).toISOString());
    return { moveObject, deleteObject, session: { moveObject, deleteObject } as unknown as WorkspaceSession };
  }
  const menuOf = (id: string) => {
    const paragraph = document.querySelector<HTMLElement>(`[data-portion-id="${id}"]`)!;
    fireEvent.click(within(paragraph).getByRole('button', { name: /^Actions / }));
    return { paragraph, menu: within(paragraph).getByRole('menu') };
  };

  it('offers the originating nation Move up, Move down and Delete in the menu, the handle being no button', async () => {
    const { moveObject, deleteObject, session } = editing();
    renderReport([report, shared, middle, noforn], usa, { session, canEdit: true });
    const { paragraph, menu } = menuOf('p-open');
    expect(within(paragraph.querySelector('.portion-actions')! as HTMLElement).getAllByRole('button')).toHaveLength(1);
    expect(paragraph.querySelector('.drag-handle')!.getAttribute('aria-hidden')).toBe('true');
    expect(within(menu).getAllByRole('menuitem').map((item) => item.textContent)).toEqual(expect.arrayContaining(['Insert paragraph below', 'Move up', 'Move down', 'Delete']));
    await act(async () => fireEvent.click(within(menu).getByRole('menuitem', { name: 'Move up' })));
    const [[id, key]] = moveObject.mock.calls as unknown as [[string, string]];
    expect(id).toBe('p-open');
    expect(key < shared.orderKey).toBe(true);
    const again = menuOf('p-open').menu;
    await act(async () => fireEvent.click(within(again).getByRole('menuitem', { name: 'Delete' })));
    expect(deleteObject).toHaveBeenCalledWith('p-open');
    expect(screen.getByText(`Paragraph ${paragraphName('p-open')} deleted for everyone.`, { exact: false })).toBeTruthy();
  });

  it('moves it with Alt+↓ in the paragraph, and offers a partner neither the items nor the handle', async () => {
    const { moveObject, session } = editing();
    renderReport([report, shared, middle, noforn], usa, { session, canEdit: true });
    await act(async () => fireEvent.keyDown(screen.getByLabelText(`Paragraph ${paragraphName('p-open')}, marked (U)`), { key: 'ArrowDown', altKey: true }));
    const [[, key]] = moveObject.mock.calls as unknown as [[string, string]];
    expect(key > noforn.orderKey).toBe(true);
    cleanup();
    renderReport([report, shared, middle], aus, { session, canEdit: true });
    const { paragraph, menu } = menuOf('p-open');
    expect(within(menu).queryByRole('menuitem', { name: 'Delete' })).toBeNull();
    expect(within(menu).queryByRole('menuitem', { name: 'Move up' })).toBeNull();
    expect(paragraph.querySelector('.drag-handle')).toBeNull();
  });
});

describe('<CollaborativeText>', () => {
  function setup() {
    const sent: Uint8Array[] = [];
    const replica = new ObjectReplica('p1', 3, buildContent({ body: 'Hello world' }), (_replica, update) => sent.push(update));
    return { replica, sent };
  }

  it('turns typing into a splice of the shared text, kept until acknowledged', () => {
    const { replica, sent } = setup();
    render(<CollaborativeText replica={replica} label="Paragraph" readOnly={false} others={[]} />);
    const area = screen.getByLabelText('Paragraph') as HTMLTextAreaElement;
    area.value = 'Hello brave world';
    fireEvent.input(area);
    expect(bodyOf(replica.doc).toString()).toBe('Hello brave world');
    expect(sent).toHaveLength(1);
    expect(replica.unacked).toEqual(sent);
  });

  it('shows a collaborator’s edit at once and keeps the local caret on its word', () => {
    const { replica } = setup();
    render(<CollaborativeText replica={replica} label="Paragraph" readOnly={false} others={[]} />);
    const area = screen.getByLabelText('Paragraph') as HTMLTextAreaElement;
    area.focus();
    area.setSelectionRange(6, 6); // before "world"
    fireEvent.select(area);
    const remote = new Y.Doc();
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(replica.doc));
    bodyOf(remote).insert(0, 'Oh. ');
    act(() => replica.applyRemote(Y.encodeStateAsUpdate(remote, Y.encodeStateVector(replica.doc))));
    expect(area.value).toBe('Oh. Hello world');
    expect(area.selectionStart).toBe(10);
    expect(replica.unacked).toHaveLength(0);
  });

  it('paints others’ carets where they are, labelled with name and nation', () => {
    const { replica } = setup();
    const other: PresenceState = {
      clientId: 'c2',
      sub: 'aus-analyst',
      name: 'Liam Walsh',
      nation: 'AUS',
      objectId: 'p1',
      cursor: encodeCursor(bodyOf(replica.doc), 3, 5, 5),
    };
    const stale: PresenceState = { ...other, clientId: 'c3', name: 'Old epoch', cursor: encodeCursor(bodyOf(replica.doc), 2, 1, 1) };
    const { container } = render(<CollaborativeText replica={replica} label="Paragraph" readOnly others={[other, stale]} />);
    const carets = container.querySelectorAll('.remote-caret');
    expect(carets).toHaveLength(1);
    expect(carets[0]!.textContent).toBe('Liam Walsh (AUS)');
    expect(carets[0]!.previousSibling?.textContent).toBe('Hello');
  });
});
