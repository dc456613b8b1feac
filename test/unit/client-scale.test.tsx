// @vitest-environment happy-dom
// The web client at scale (issue 18): a cursor or an edit re-renders only the row of its object,
// long lists mount only a window of rows, and dates are formatted with one formatter.
import { act, cleanup, render, waitFor, within } from '@testing-library/react';
import * as Y from 'yjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope, PresenceState } from '../../shared/protocol';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { TimelinePanel } from '../../client/src/timeline/TimelinePanel';
import { RfiBoard } from '../../client/src/rfi/RfiBoard';
import { VirtualList } from '../../client/src/views/VirtualList';
import { WorkspaceContext } from '../../client/src/workspace/context';
import { ofKind } from '../../client/src/workspace/selectors';
import { analysts, cellSummary, staticContext, usaObjects } from '../helpers/clientWorkspace';
import { SidePanel } from '../../client/src/workspace/SidePanel';

// Every row shows its portion mark once: counting the marks' renders counts the rows' renders.
// The light face of a row (ItemPreview) follows the object's presence: counted apart.
const marks = vi.hoisted(() => ({ renders: 0, previews: 0 }));
vi.mock('../../client/src/markings/PortionMark', async (original) => {
  const real = await original<typeof import('../../client/src/markings/PortionMark')>();
  return {
    PortionMark: (props: Parameters<typeof real.PortionMark>[0]) => {
      marks.renders++;
      return real.PortionMark(props);
    },
  };
});
vi.mock('../../client/src/workspace/ItemPreview', async (original) => {
  const real = await original<typeof import('../../client/src/workspace/ItemPreview')>();
  return {
    ...real,
    ItemPreview: (props: Parameters<typeof real.ItemPreview>[0]) => {
      marks.previews++;
      return real.ItemPreview(props);
    },
  };
});

// Fields read from a replica's bytes (no doc), counted.
const bytes = vi.hoisted(() => ({ reads: 0 }));
vi.mock('../../client/src/session/fieldFromUpdate', async (original) => {
  const real = await original<typeof import('../../client/src/session/fieldFromUpdate')>();
  return {
    ...real,
    fieldFromUpdate: (...args: Parameters<typeof real.fieldFromUpdate>) => {
      bytes.reads++;
      return real.fieldFromUpdate(...args);
    },
  };
});

afterEach(cleanup);

const workspace = cellSummary();
const usa = analysts.usa;

/** `minuteOf`: an event's time, in minutes after the first (its place in creation order by default). */
function cellOf(kind: 'event' | 'rfi', count: number, minuteOf = (i: number) => i): StaticPicture {
  const { objects, docs } = contentOf(kind, count, minuteOf);
  return new StaticPicture(workspace, 'USA|S|', objects, docs);
}

function contentOf(kind: 'event' | 'rfi', count: number, minuteOf = (i: number) => i) {
  const objects = usaObjects(kind, count);
  const fields = (i: number) =>
    kind === 'event' ? { title: `Event ${i}`, when: new Date(Date.UTC(2025, 0, 1) + minuteOf(i) * 60_000).toISOString() } : { title: `RFI ${i}`, status: i % 2 ? 'answered' : 'open' };
  const docs = objects.map((object, i) => ({ id: object.id, epoch: 0, update: buildContent({ fields: fields(i), body: `Details ${i}.` }) }));
  return { objects, docs };
}

function show(shown: StaticPicture, panel: React.ReactNode) {
  return render(<WorkspaceContext.Provider value={staticContext(shown, usa)}>{panel}</WorkspaceContext.Provider>);
}

/** Another participant's edit to one object's text, as the server fans it out. */
function remoteEdit(shown: StaticPicture, id: string, text: string) {
  const replica = shown.replica(id)!;
  const other = new Y.Doc();
  Y.applyUpdate(other, replica.stateAsUpdate());
  const before = Y.encodeStateVector(other);
  bodyOf(other).insert(0, text);
  act(() => replica.applyRemote(Y.encodeStateAsUpdate(other, before)));
}

const cursorIn = (objectId: string, clientId = 'c2'): PresenceState => ({ clientId, sub: 'gbr-analyst', name: 'Harriet Cole', nation: 'GBR', objectId, view: 'timeline' });

describe('the Timeline at 2,000 events', () => {
  it('mounts only a window of rows', () => {
    const { container } = show(cellOf('event', 2000), <TimelinePanel />);
    const rows = container.querySelectorAll('.event');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(40);
    // The rest of the list is room to scroll, not rows.
    expect(parseFloat((container.querySelector('.timeline') as HTMLElement).style.paddingBottom)).toBeGreaterThan(100_000);
  });

  it('shows light read-only rows, and an editor only for the item opened', () => {
    const { container } = show(cellOf('event', 2000), <TimelinePanel />);
    expect(container.querySelectorAll('.timeline textarea, .timeline input')).toHaveLength(0);
    const first = container.querySelector<HTMLElement>('[data-event-id="event-0"]')!;
    expect(first.querySelector('.item-title')!.textContent).toBe('Event 0');
    act(() => within(first).getByRole('button', { name: 'Open event' }).click());
    const opened = container.querySelector<HTMLElement>('[data-event-id="event-0"]')!;
    expect(within(opened).getByLabelText('Event title')).toBeTruthy();
    expect(within(opened).getByLabelText('Details of event, marked (S//REL TO USA, FVEY)')).toBeTruthy();
    expect(container.querySelectorAll('.timeline textarea')).toHaveLength(1);
  });

  it('re-renders only the row of an object someone edits', () => {
    const shown = cellOf('event', 2000);
    const { container } = show(shown, <TimelinePanel />);
    marks.renders = 0;
    remoteEdit(shown, 'event-2', 'Update: ');
    expect(container.querySelector('[data-event-id="event-2"] .item-preview-text')!.textContent).toBe('Update: Details 2.');
    expect(marks.renders).toBe(1);
  });

  it('re-renders only what shows the people of an object on a cursor message', () => {
    const shown = cellOf('event', 2000);
    const { container } = show(shown, <TimelinePanel />);
    const count = (change: () => void) => {
      marks.renders = 0;
      marks.previews = 0;
      act(change);
      expect(marks.renders, 'rows re-rendered').toBe(0);
      return marks.previews;
    };
    expect(count(() => shown.presence.replace([cursorIn('event-1')]))).toBe(1);
    expect(container.querySelector('[data-event-id="event-1"] .item-preview-people')!.textContent).toBe('In it: Harriet Cole');
    // The cursor moves to another item: the item it left and the item it entered.
    const inThree = cursorIn('event-3');
    expect(count(() => shown.presence.replace([inThree]))).toBe(2);
    // Someone in an item off screen: nothing on screen re-renders.
    expect(count(() => shown.presence.replace([inThree, cursorIn('event-1999', 'c3')]))).toBe(0);
  });
});

/** How many of the cell's objects have had their doc built. */
const docsBuilt = (shown: StaticPicture) => shown.getSnapshot().objects.filter((object) => shown.replica(object.id)!.hasDoc).length;

describe('sort keys read without building docs', () => {
  it('opens the Timeline of 2,000 events in time order, building docs only for the rows it shows', () => {
    // Created in one order, timed in the reverse: the order shown comes from the times.
    const shown = cellOf('event', 2000, (i) => 2000 - i);
    const { container } = show(shown, <TimelinePanel />);
    const rows = Array.from(container.querySelectorAll<HTMLElement>('[data-event-id]')).map((row) => row.dataset.eventId);
    expect(rows.slice(0, 3)).toEqual(['event-1999', 'event-1998', 'event-1997']);
    expect(docsBuilt(shown)).toBeLessThan(40);
    expect(docsBuilt(shown)).toBe(rows.length);
  });

  it('opens the RFI board of 2,000 RFIs in their status columns, building docs only for the cards it shows', () => {
    const shown = cellOf('rfi', 2000);
    const { container } = show(shown, <RfiBoard />);
    expect(container.querySelector('#rfi-col-open')!.textContent).toContain('(1000)');
    expect(container.querySelector('#rfi-col-answered')!.textContent).toContain('(1000)');
    expect(docsBuilt(shown)).toBe(container.querySelectorAll('.rfi-card').length);
    expect(docsBuilt(shown)).toBeLessThan(80);
  });
});

describe('sort keys read ahead', () => {
  it('reads the events\' times and the RFIs\' statuses while another tab shows, so opening the Timeline or the RFI board reads none', async () => {
    const events = contentOf('event', 1000, (i) => 1000 - i);
    const rfis = contentOf('rfi', 1000);
    const shown = new StaticPicture(workspace, 'USA|S|', [...events.objects, ...rfis.objects], [...events.docs, ...rfis.docs]);
    const panel = (tab: 'reports' | 'timeline' | 'rfis') => <SidePanel tab={tab} onTab={() => undefined} openReportId={null} onOpenReport={() => undefined} pendingReleases={0} />;
    bytes.reads = 0;
    const { container, rerender } = show(shown, panel('reports'));
    // Read in slices between frames, not in the render that shows the Reports tab.
    expect(bytes.reads).toBeLessThan(2000);
    await waitFor(() => expect(bytes.reads).toBe(2000));
    expect(docsBuilt(shown)).toBe(0);

    bytes.reads = 0;
    rerender(<WorkspaceContext.Provider value={staticContext(shown, usa)}>{panel('timeline')}</WorkspaceContext.Provider>);
    const rows = Array.from(container.querySelectorAll<HTMLElement>('[data-event-id]')).map((row) => row.dataset.eventId);
    expect(rows.slice(0, 2)).toEqual(['event-999', 'event-998']);
    rerender(<WorkspaceContext.Provider value={staticContext(shown, usa)}>{panel('rfis')}</WorkspaceContext.Provider>);
    expect(container.querySelector('#rfi-col-answered')!.textContent).toContain('(500)');
    expect(bytes.reads).toBe(0);
  });
});

describe('the RFI board at 2,000 RFIs', () => {
  it('mounts only a window of cards and re-renders only an edited one', () => {
    const shown = cellOf('rfi', 2000);
    const { container } = show(shown, <RfiBoard />);
    expect(container.querySelector('#rfi-col-open')!.textContent).toContain('(1000)');
    expect(container.querySelectorAll('.rfi-card').length).toBeLessThan(80);
    marks.renders = 0;
    remoteEdit(shown, 'rfi-0', 'Urgent: ');
    expect(marks.renders).toBe(1);
  });
});

describe('<VirtualList>', () => {
  it('mounts a window of 5,000 items and moves it as the page scrolls', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `item ${i}`);
    const { container } = render(<VirtualList items={items} keyOf={(item) => item} render={(item) => <span>{item}</span>} estimate={40} />);
    const mounted = () => Array.from(container.querySelectorAll('li')).map((li) => li.textContent);
    expect(mounted().length).toBeLessThan(100);
    expect(mounted()[0]).toBe('item 0');
    const list = container.querySelector('ul')!;
    // The list scrolled 100,000 px up out of the view.
    vi.spyOn(list, 'getBoundingClientRect').mockReturnValue({ top: -100_000 } as DOMRect);
    act(() => void window.dispatchEvent(new Event('scroll')));
    expect(mounted()).toContain('item 2500');
    expect(mounted()).not.toContain('item 0');
    expect(mounted().length).toBeLessThan(100);
  });
  it('reads no layout while it first renders, and follows a ResizeObserver after', () => {
    // A forced layout (getBoundingClientRect) in the first render cost 150–800 ms at 5,000 features.
    const reads = vi.spyOn(Element.prototype, 'getBoundingClientRect');
    const reports: ResizeObserverCallback[] = [];
    const Real = globalThis.ResizeObserver;
    globalThis.ResizeObserver = class {
      constructor(report: ResizeObserverCallback) {
        reports.push(report);
      }
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
    try {
      const items = Array.from({ length: 5000 }, (_, i) => `item ${i}`);
      const { container } = render(<VirtualList items={items} keyOf={(item) => item} render={(item) => <span>{item}</span>} estimate={40} />);
      expect(reads).not.toHaveBeenCalled();
      expect(container.querySelector('li')!.textContent).toBe('item 0');
      // After the frame's layout the observer reports: the view is read then, where layout is done.
      reads.mockReturnValue({ top: -40_000 } as DOMRect);
      act(() => reports.forEach((report) => report([], {} as ResizeObserver)));
      expect(reads).toHaveBeenCalled();
      expect(Array.from(container.querySelectorAll('li')).map((li) => li.textContent)).toContain('item 1000');
    } finally {
      globalThis.ResizeObserver = Real;
      reads.mockRestore();
    }
  });
});

describe('localTimeText', () => {
  it('builds one date formatter, however many times it formats', async () => {
    vi.resetModules();
    const Real = Intl.DateTimeFormat;
    let built = 0;
    Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Real>) {
      built++;
      return new Real(...args);
    } as unknown as typeof Real;
    const perCall = vi.spyOn(Date.prototype, 'toLocaleDateString');
    try {
      const { localTimeText } = await import('../../client/src/views/Dtg');
      for (let i = 0; i < 500; i++) localTimeText(new Date(Date.UTC(2025, 10, 27, 9, i % 60)).toISOString());
      expect(localTimeText('2025-11-27T09:30:00.000Z')).toMatch(/^27 Nov 2025, \d\d:\d\d:00 .* local$/);
      expect(built).toBe(1);
      expect(perCall).not.toHaveBeenCalled();
    } finally {
      Intl.DateTimeFormat = Real;
      perCall.mockRestore();
    }
  });
});

describe('each kind of object, selected once per picture', () => {
  it('answers the same sorted array for the same objects, and a new one when they change', () => {
    const objects = cellOf('event', 50).getSnapshot().objects;
    const events = ofKind(objects, 'event');
    expect(events).toHaveLength(50);
    expect(ofKind(objects, 'event')).toBe(events);
    expect(ofKind([...objects], 'event')).not.toBe(events);
    expect(ofKind([...objects], 'event')).toEqual(events);
  });
});
