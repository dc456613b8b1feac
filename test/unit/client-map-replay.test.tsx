// @vitest-environment happy-dom
// The whole-picture replay control under Layers and filters: entering it asks for the live
// moment, the slider sets the moment, the status says when the picture is from and how many
// features are not drawn because where they stood then is not releasable to the user; it is not
// offered while an FDO views the picture as a partner.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { SHOW_ALL } from '../../client/src/map/filters';
import { MapFilters, type PictureReplay } from '../../client/src/map/MapFilters';
import { StaticPicture } from '../../client/src/session/staticPicture';
import { WorkspaceContext } from '../../client/src/workspace/context';
import { analysts, cellSummary, staticContext } from '../helpers/clientWorkspace';

afterEach(cleanup);

const workspace = cellSummary({ name: 'Harbour watch', members: ['USA', 'AUS'], defaultMarking: 'SECRET//REL TO USA, AUS', createdAt: '2026-11-30T08:00:00.000Z' });
const START = Date.parse('2026-11-30T08:00:00.000Z');
const END = Date.parse('2026-11-30T12:00:00.000Z');

function renderFilters(replay: Partial<PictureReplay>) {
  const picture = new StaticPicture(workspace, 'AUS|S|', [], []);
  const context = staticContext(picture, analysts.aus, { canEdit: true });
  const onChange = vi.fn();
  render(
    <WorkspaceContext.Provider value={context}>
      <MapFilters filter={SHOW_ALL} onChange={() => undefined} shown={3} total={4} replay={{ offered: true, at: null, start: START, end: END, unknown: 0, loading: false, onChange, ...replay }} />
    </WorkspaceContext.Provider>,
  );
  return onChange;
}

it('enters the replay at the live moment and leaves it', () => {
  const onChange = renderFilters({});
  fireEvent.click(screen.getByLabelText('Replay the whole picture'));
  expect(onChange).toHaveBeenCalledWith(END);
  cleanup();
  const leave = renderFilters({ at: END });
  fireEvent.click(screen.getByLabelText('Replay the whole picture'));
  expect(leave).toHaveBeenCalledWith(null);
});

it('moves the moment with the slider and says what is not drawn', () => {
  const onChange = renderFilters({ at: START + 60 * 60_000, unknown: 2 });
  const slider = screen.getByLabelText('Picture at') as HTMLInputElement;
  expect([slider.min, slider.max, slider.step]).toEqual([String(START), String(END), '60000']);
  fireEvent.change(slider, { target: { value: String(START + 120 * 60_000) } });
  expect(onChange).toHaveBeenCalledWith(START + 120 * 60_000);
  expect(screen.getByTestId('picture-time').textContent).toBe(
    'Picture at 2026-11-30 09:00Z; 2 features not drawn: where they stood then is not releasable to you. Editing on the map waits until you leave the replay.',
  );
});

it('says it is loading, and is not offered while viewing as a partner', () => {
  renderFilters({ at: END, loading: true });
  expect(screen.getByTestId('picture-time').textContent).toBe('Loading the tracks…');
  cleanup();
  renderFilters({ offered: false });
  expect((screen.getByLabelText('Replay the whole picture') as HTMLInputElement).disabled).toBe(true);
  expect(screen.getByText(/Not offered while viewing as a partner/)).toBeTruthy();
});
