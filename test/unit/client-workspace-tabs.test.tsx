// @vitest-environment happy-dom
// Opening a tab of the side panel (issue 18): the workspace context stays the same, so the map's
// panel and the search beside the tabs do not re-render (at 20,000 objects 4–7 and 4–5 ms of
// opening a tab), and presence still names the tab shown.
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { ExerciseClock } from '../../client/src/exercise/exerciseClock';
import type { ReleaseBoard } from '../../client/src/session/releaseBoard';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { ValueStore } from '../../client/src/session/valueStore';
import type { WorkspaceSession } from '../../client/src/session/workspaceSession';
import { WorkspaceScreen } from '../../client/src/workspace/WorkspaceScreen';
import { analysts, cellSummary } from '../helpers/clientWorkspace';

const renders = vi.hoisted(() => ({ map: 0, search: 0 }));
const mapSees = vi.hoisted(() => ({ setPresence: null as null | ((update: { objectId: string } | null) => void) }));
// The map and the search stand in (nothing drawn), counted, and memoised only if the real ones
// are: with the context kept, that is what keeps them from re-rendering with the screen around them.
const isMemo = vi.hoisted(() => (component: unknown) => (component as { $$typeof?: symbol }).$$typeof === Symbol.for('react.memo'));
vi.mock('../../client/src/map/MapPanel', async (original) => {
  const real = await original<typeof import('../../client/src/map/MapPanel')>();
  const { memo } = await import('react');
  const { useWorkspace } = await import('../../client/src/workspace/context');
  function MapPanel() {
    mapSees.setPresence = useWorkspace().setPresence;
    renders.map++;
    return null;
  }
  return { MapPanel: isMemo(real.MapPanel) ? memo(MapPanel) : MapPanel };
});
vi.mock('../../client/src/search/SearchPanel', async (original) => {
  const real = await original<typeof import('../../client/src/search/SearchPanel')>();
  const { memo } = await import('react');
  const { useWorkspace } = await import('../../client/src/workspace/context');
  function SearchPanel() {
    useWorkspace();
    renders.search++;
    return null;
  }
  return { SearchPanel: isMemo(real.SearchPanel) ? memo(SearchPanel) : SearchPanel };
});
vi.mock('../../client/src/collab/NotificationCentre', () => ({ NotificationCentre: () => null }));

afterEach(cleanup);

const workspace = cellSummary();
const usa = analysts.usa;

it('opens a tab without re-rendering the panels beside it, and sends presence naming the tab', () => {
  const presence: unknown[] = [];
  const session = Object.assign(new StaticPicture(workspace, 'USA|S|', [], []), {
    workspaceId: 'ws1',
    pendingEdits: new ValueStore(0),
    setPresence: (update: unknown) => presence.push(update),
    dismissNotice: () => undefined,
  }) as unknown as WorkspaceSession;
  const board = { loaded: true, inbox: [], mine: [] };
  const releases = { subscribe: () => () => undefined, getSnapshot: () => board } as unknown as ReleaseBoard;
  const clock = { subscribe: () => () => undefined, getSeat: () => null } as unknown as ExerciseClock;
  const { getByRole } = render(<WorkspaceScreen session={session} releases={releases} page="picture" identity={usa} exercise={{ clock, connection: {} as never }} />);
  const before = { ...renders };
  act(() => getByRole('tab', { name: 'Timeline' }).click());
  act(() => getByRole('tab', { name: 'RFI board' }).click());
  expect(renders).toEqual(before);
  expect(presence.at(-1)).toEqual({ view: 'rfis' });
  // The map selects a feature: its presence names the tab shown now, not the one it rendered with.
  act(() => mapSees.setPresence!({ objectId: 'feature-1' }));
  expect(presence.at(-1)).toEqual({ view: 'rfis', objectId: 'feature-1' });
});
