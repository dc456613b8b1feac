// @vitest-environment happy-dom
// Returning to the picture from another page of the workspace (the sharing figures, the audit
// trail): the map was unmounted with the picture and built again on return (its engine, every
// feature, a first frame drawing them all: 90–220 ms of main-thread CPU at 5,000–20,000 objects).
// The picture stays mounted, hidden, while another page shows: one engine, which follows the
// edits made meanwhile (its data only: hidden, it has no size and draws nothing).
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { buildContent, fieldsOf } from '../../shared/content';
import type { ExerciseClock } from '../../client/src/exercise/exerciseClock';
import type { MapFeature } from '../../client/src/map/mapFeatures';
import type { ReleaseBoard } from '../../client/src/session/releaseBoard';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { ValueStore } from '../../client/src/session/valueStore';
import type { WorkspaceSession } from '../../client/src/session/workspaceSession';
import type { WorkspacePage } from '../../client/src/useHashRoute';
import { WorkspaceScreen } from '../../client/src/workspace/WorkspaceScreen';
import { analysts, cellSummary, usaObjects } from '../helpers/clientWorkspace';

// The map engine (OpenLayers) draws nothing in a test DOM: a stand-in counts how often it is
// built and destroyed, and keeps the features it was last given.
const engine = vi.hoisted(() => ({ built: 0, destroyed: 0, features: [] as MapFeature[] }));
vi.mock('../../client/src/map/engine', () => ({
  MapEngine: class {
    constructor() {
      engine.built++;
    }
    setFormat() {}
    setFeatures(features: MapFeature[]) {
      engine.features = features;
    }
    setSelected() {}
    setOverlay() {}
    showFeature() {}
    destroy() {
      engine.destroyed++;
    }
  },
}));
vi.mock('../../client/src/figures/FiguresPage', () => ({ FiguresPage: () => <main>The figures page</main> }));
vi.mock('../../client/src/search/SearchPanel', () => ({ SearchPanel: () => null }));
vi.mock('../../client/src/collab/NotificationCentre', () => ({ NotificationCentre: () => null }));

afterEach(() => {
  cleanup();
  Object.assign(engine, { built: 0, destroyed: 0, features: [] });
});

const point = (lon: number) => ({ type: 'Point', coordinates: [lon, 24] });

function screenOf(page: WorkspacePage, picture: StaticPicture) {
  const session = Object.assign(picture, {
    workspaceId: 'ws1',
    pendingEdits: new ValueStore(0),
    setPresence: () => undefined,
    dismissNotice: () => undefined,
  }) as unknown as WorkspaceSession;
  const board = { loaded: true, inbox: [], mine: [] };
  const releases = { subscribe: () => () => undefined, getSnapshot: () => board } as unknown as ReleaseBoard;
  const clock = { subscribe: () => () => undefined, getSeat: () => null } as unknown as ExerciseClock;
  return <WorkspaceScreen session={session} releases={releases} page={page} identity={analysts.usa} exercise={{ clock, connection: {} as never }} />;
}

it('keeps the map while another page shows: not built again on return, and it shows the edits made meanwhile', async () => {
  const objects = usaObjects('feature', 3);
  const docs = objects.map((object, i) => ({ id: object.id, epoch: 0, update: buildContent({ fields: { name: `Feature ${i}`, geometry: point(120 + i) } }) }));
  const picture = new StaticPicture(cellSummary(), 'USA|S|', objects, docs);
  const view = render(screenOf('picture', picture));
  await vi.waitFor(() => expect(engine.features).toHaveLength(3));
  const main = () => view.container.querySelector<HTMLElement>('main.workspace-main')!;

  view.rerender(screenOf('figures', picture));
  expect(view.getByText('The figures page')).toBeTruthy();
  expect(main().hidden).toBe(true);
  // Someone moves a feature while the figures show: the hidden map's data follow.
  act(() => fieldsOf(picture.replica('feature-1')!.doc).set('geometry', point(130)));
  expect(engine.features.find((f) => f.envelope.id === 'feature-1')?.geometry).toEqual(point(130));

  view.rerender(screenOf('picture', picture));
  expect(main().hidden).toBe(false);
  expect(view.queryByText('The figures page')).toBeNull();
  expect(engine).toMatchObject({ built: 1, destroyed: 0 });
  expect(engine.features.map((f) => f.geometry)).toEqual([point(120), point(130), point(122)]);

  view.unmount();
  expect(engine.destroyed).toBe(1);
});

it('builds no map for a workspace opened on another page until the picture is shown', async () => {
  const picture = new StaticPicture(cellSummary(), 'USA|S|', [], []);
  const view = render(screenOf('figures', picture));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(view.container.querySelector('main.workspace-main')).toBeNull();
  expect(engine.built).toBe(0);
  view.rerender(screenOf('picture', picture));
  await vi.waitFor(() => expect(engine.built).toBe(1));
});
