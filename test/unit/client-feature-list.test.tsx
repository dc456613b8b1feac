// @vitest-environment happy-dom
// The map's feature list at scale (issue 18): at 20,000 objects its 4,000 entries were most of the
// page's paint while typing. It mounts only a window of entries, moves it on scroll, and brings a
// feature selected on the map or by "Show item" into its view without moving the map.
import { readFileSync } from 'node:fs';
import { act, cleanup, render, within } from '@testing-library/react';
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { buildContent } from '../../shared/content';
import { MapPanel } from '../../client/src/map/MapPanel';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { WorkspaceContext, type WorkspaceContextValue } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext, usaObjects } from '../helpers/clientWorkspace';

// The map engine (OpenLayers) draws nothing in a test DOM: a stand-in keeps its callbacks and
// what it was asked to show.
const engine = vi.hoisted(() => ({ events: null as null | { click: (p: [number, number], id: string | null) => void }, shown: [] as string[], overlays: 0, featureSets: 0 }));
vi.mock('../../client/src/map/engine', () => ({
  MapEngine: class {
    constructor(_map: HTMLElement, _readout: HTMLElement, _scale: HTMLElement, events: typeof engine.events) {
      engine.events = events;
    }
    setFormat() {}
    setFeatures() {
      engine.featureSets++;
    }
    setSelected() {}
    setOverlay() {
      engine.overlays++;
    }
    showFeature(id: string) {
      engine.shown.push(id);
    }
    destroy() {}
  },
}));

// The list's scroll box is made by the stylesheet (overflow), which the test DOM must have.
beforeAll(() => {
  const style = document.createElement('style');
  style.textContent = readFileSync('client/src/styles.css', 'utf8');
  document.head.append(style);
});
afterEach(() => {
  cleanup();
  engine.events = null;
  engine.shown = [];
  engine.overlays = 0;
  engine.featureSets = 0;
});

const workspace = cellSummary();
const usa = analysts.usa;
const COUNT = 4000;

function cellOfFeatures(): StaticPicture {
  const objects = usaObjects('feature', COUNT);
  const geometry = (i: number) => ({ type: 'LineString', coordinates: [[120 + (i % 50) / 10, 24], [120.5, 24.5]] });
  const docs = objects.map((object, i) => ({ id: object.id, epoch: 0, update: buildContent({ fields: { name: `Feature ${i}`, geometry: geometry(i) } }) }));
  return new StaticPicture(workspace, 'USA|S|', objects, docs);
}

function contextOf(shown: StaticPicture, focus: WorkspaceContextValue['focus']): WorkspaceContextValue {
  return staticContext(shown, usa, { focus });
}

async function showMap() {
  const shown = cellOfFeatures();
  const view = render(
    <WorkspaceContext.Provider value={contextOf(shown, null)}>
      <MapPanel />
    </WorkspaceContext.Provider>,
  );
  await vi.waitFor(() => expect(engine.events).not.toBeNull());
  const list = within(view.getByRole('region', { name: /^Features/ }));
  const box = view.container.querySelector<HTMLElement>('.feature-rows')!;
  const rows = box.querySelector('ul')!;
  // A test DOM has no layout: the entries move up in the box by as much as it is scrolled.
  rows.getBoundingClientRect = () => ({ top: -box.scrollTop }) as DOMRect;
  const scrollTo = (top: number) => {
    box.scrollTop = top;
    act(() => void box.dispatchEvent(new Event('scroll')));
  };
  const mounted = () => list.queryAllByRole('button').map((button) => button.textContent!.replace(/^\(.*?\)\s*/, ''));
  const refocus = (focus: WorkspaceContextValue['focus']) =>
    view.rerender(
      <WorkspaceContext.Provider value={contextOf(shown, focus)}>
        <MapPanel />
      </WorkspaceContext.Provider>,
    );
  return { view, list, box, scrollTo, mounted, refocus };
}

it('mounts a window of the 4,000 features under their full count, and moves it on scroll', async () => {
  const { view, mounted, scrollTo } = await showMap();
  expect(view.getByRole('heading', { name: `Features (${COUNT})` })).toBeTruthy();
  expect(mounted().length).toBeGreaterThan(10);
  expect(mounted().length).toBeLessThan(100);
  expect(mounted()[0]).toBe('Feature 0');
  // Each entry still says where it stands in the whole list.
  expect(view.container.querySelector('.feature-rows li')!.getAttribute('aria-setsize')).toBe(String(COUNT));

  scrollTo(34 * 2000);
  expect(mounted()).toContain('Feature 2000');
  expect(mounted()).not.toContain('Feature 0');
  expect(mounted().length).toBeLessThan(100);
});

it('brings a feature selected on the map into the list, and leaves the list where it is when the feature is in view', async () => {
  const { list, box, mounted } = await showMap();
  expect(mounted()).not.toContain('Feature 3999');
  act(() => engine.events!.click([120, 24], 'feature-3999'));
  expect(box.scrollTop).toBeGreaterThan(34 * 3900);
  const entry = list.getByRole('button', { name: /Feature 3999/ });
  expect(entry.getAttribute('aria-pressed')).toBe('true');
  expect(mounted().length).toBeLessThan(100);

  // Selecting from the list: the map shows the feature; the list, already showing it, stays put.
  const before = box.scrollTop;
  const neighbour = list.getByRole('button', { name: /Feature 3990/ });
  act(() => neighbour.click());
  expect(engine.shown.at(-1)).toBe('feature-3990');
  expect(box.scrollTop).toBe(before);
  expect(neighbour.getAttribute('aria-pressed')).toBe('true');
});

it('brings the feature of "Show item" into the list', async () => {
  const { list, refocus, mounted } = await showMap();
  expect(mounted()).not.toContain('Feature 2500');
  act(() => refocus({ id: 'feature-2500', serial: 1 }));
  expect(list.getByRole('button', { name: /Feature 2500/ }).getAttribute('aria-pressed')).toBe('true');
  expect(engine.shown.at(-1)).toBe('feature-2500');
  expect(mounted().length).toBeLessThan(100);
});

it('hands the map nothing new when the workspace around it re-renders with no point selected', async () => {
  // Setting the overlay redraws the whole map (every feature, decluttered): a new empty trail on
  // each render of the panel redrew it on any change of the workspace, opening a tab too.
  const { refocus } = await showMap();
  await vi.waitFor(() => expect(engine.overlays).toBeGreaterThan(0));
  const [overlays, featureSets] = [engine.overlays, engine.featureSets];
  act(() => refocus(null));
  act(() => refocus(null));
  expect(engine.overlays).toBe(overlays);
  expect(engine.featureSets).toBe(featureSets);
});
