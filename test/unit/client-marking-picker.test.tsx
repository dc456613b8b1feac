// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cellMarkings } from '../../client/src/markings/cell';
import { MarkingPicker } from '../../client/src/markings/MarkingPicker';
import type { PickerContext, PickerResult } from '../../client/src/markings/pickerModel';

afterEach(cleanup);

const fvey = cellMarkings({ members: ['FVEY'], groups: {}, systemHigh: 'SECRET' });
const trilateral = cellMarkings({ members: ['JPN', 'KOR', 'USA'], groups: {}, systemHigh: 'TOP SECRET' });
const usaAnalyst = { nation: 'USA', clearance: 'TOP SECRET', compartments: ['SI'] };
const ausAnalyst = { nation: 'AUS', clearance: 'SECRET', compartments: [] };

function renderPicker(context: PickerContext, initial?: string) {
  const onChange = vi.fn<(result: PickerResult) => void>();
  render(<MarkingPicker context={context} initial={initial} onChange={onChange} />);
  const last = () => onChange.mock.calls.at(-1)?.[0];
  return { onChange, last };
}

const levelNames = () =>
  within(screen.getByLabelText('Classification')).getAllByRole('option').map((option) => option.textContent);

describe('<MarkingPicker>', () => {
  it('offers no level above the cell system high or the author clearance', () => {
    renderPicker({ cell: fvey, author: usaAnalyst }, 'SECRET//REL TO USA, FVEY');
    expect(levelNames()).toEqual(['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET']);
    cleanup();
    renderPicker({ cell: trilateral, author: ausAnalyst });
    expect(levelNames()).toEqual(['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET']);
    cleanup();
    renderPicker({ cell: trilateral, author: usaAnalyst });
    expect(levelNames()).toEqual(['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET']);
  });

  it('starts from the cell default and says who will see it', () => {
    const { last } = renderPicker({ cell: fvey, author: usaAnalyst }, 'SECRET//REL TO USA, FVEY');
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, FVEY', portion: '(S//REL TO USA, FVEY)' });
    expect(screen.getByTestId('audience').textContent).toBe('Visible to USA, AUS, CAN, GBR, NZL (every nation in the cell).');
  });

  it('narrows REL TO to chosen partners and names those left out', () => {
    const { last } = renderPicker({ cell: fvey, author: usaAnalyst }, 'SECRET//REL TO USA, FVEY');
    fireEvent.click(screen.getByRole('checkbox', { name: 'FVEY' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'AUS' }));
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, AUS', portion: '(S//REL TO USA, AUS)' });
    expect(screen.getByTestId('audience').textContent).toBe('Visible to USA, AUS; not to CAN, GBR, NZL.');
  });

  it('never lists the author’s own nation as a partner to untick', () => {
    renderPicker({ cell: fvey, author: ausAnalyst }, 'SECRET//REL TO USA, FVEY');
    expect(screen.queryByRole('checkbox', { name: 'AUS' })).toBeNull();
    expect(screen.getByRole('checkbox', { name: 'USA' })).toBeTruthy();
  });

  it('produces NOFORN and says only the own nation sees it', () => {
    const { last } = renderPicker({ cell: trilateral, author: usaAnalyst }, 'SECRET//REL TO USA, JPN, KOR');
    fireEvent.click(screen.getByRole('radio', { name: 'NOFORN (own nation only)' }));
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//NOFORN', portion: '(S//NF)' });
    expect(screen.getByTestId('audience').textContent).toBe('Visible to USA; not to JPN, KOR.');
  });

  it('refuses REL TO with no partner, in words, instead of producing a marking', () => {
    const { last } = renderPicker({ cell: trilateral, author: usaAnalyst }, 'SECRET//REL TO USA, JPN');
    fireEvent.click(screen.getByRole('checkbox', { name: 'JPN' }));
    expect(last()).toEqual({ ok: false, problem: 'Choose at least one partner nation or group to release to, or choose NOFORN.' });
    expect(screen.getByRole('alert').textContent).toMatch(/at least one partner/);
  });

  it('adds ORCON and SCI compartments the author holds', () => {
    const { last } = renderPicker({ cell: trilateral, author: usaAnalyst }, 'TOP SECRET//REL TO USA, JPN');
    fireEvent.click(screen.getByRole('checkbox', { name: 'SI' }));
    fireEvent.click(screen.getByRole('checkbox', { name: /^ORCON/ }));
    expect(last()).toMatchObject({ ok: true, banner: 'TOP SECRET//SI//ORCON/REL TO USA, JPN' });
  });

  it('offers "everyone" only for UNCLASSIFIED and drops it when the level rises', () => {
    const { last } = renderPicker({ cell: fvey, author: usaAnalyst }, 'UNCLASSIFIED');
    expect(last()).toMatchObject({ ok: true, banner: 'UNCLASSIFIED' });
    expect(screen.getByRole('radio', { name: 'No release control (everyone)' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Classification'), { target: { value: 'S' } });
    expect(screen.queryByRole('radio', { name: 'No release control (everyone)' })).toBeNull();
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//NOFORN' });
  });

  it('picking HCS or KDK leaves NOFORN as the only release, which they require', () => {
    const hcs = { nation: 'USA', clearance: 'TOP SECRET', compartments: ['HCS', 'KDK', 'SI'] };
    const { last } = renderPicker({ cell: trilateral, author: hcs }, 'TOP SECRET//REL TO USA, JPN');
    fireEvent.click(screen.getByRole('checkbox', { name: 'HCS' }));
    expect(last()).toMatchObject({ ok: true, banner: 'TOP SECRET//HCS//NOFORN' });
    expect(screen.queryByRole('radio', { name: 'REL TO partners' })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'HCS' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'KDK' }));
    expect(last()).toMatchObject({ ok: true, banner: 'TOP SECRET//KDK//NOFORN' });
  });

  it('offers a compartment only at a level it may mark, and an RSV compartment by name', () => {
    const author = { nation: 'USA', clearance: 'TOP SECRET', compartments: ['SI', 'TK', 'RSV', 'RSV-ABC'] };
    const compartments = () => within(screen.getByRole('group', { name: 'SCI compartments' })).getAllByRole('checkbox').map((c) => c.parentElement?.textContent);
    renderPicker({ cell: trilateral, author }, 'CONFIDENTIAL//REL TO USA, JPN');
    expect(compartments()).toEqual(['SI']);
    fireEvent.change(screen.getByLabelText('Classification'), { target: { value: 'S' } });
    expect(compartments()).toEqual(['RSV-ABC', 'SI', 'TK']);
  });

  it('drops a compartment when the level falls below what it needs', () => {
    const { last } = renderPicker({ cell: trilateral, author: { ...usaAnalyst, compartments: ['TK'] } }, 'SECRET//TK//REL TO USA, JPN');
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//TK//REL TO USA, JPN' });
    fireEvent.change(screen.getByLabelText('Classification'), { target: { value: 'C' } });
    expect(last()).toMatchObject({ ok: true, banner: 'CONFIDENTIAL//REL TO USA, JPN' });
  });

  it('offers ORCON only on classified information', () => {
    const { last } = renderPicker({ cell: fvey, author: usaAnalyst }, 'CONFIDENTIAL//ORCON/REL TO USA, FVEY');
    expect(last()).toMatchObject({ ok: true, banner: 'CONFIDENTIAL//ORCON/REL TO USA, FVEY' });
    fireEvent.change(screen.getByLabelText('Classification'), { target: { value: 'U' } });
    expect(screen.queryByRole('checkbox', { name: /^ORCON/ })).toBeNull();
    expect(last()).toMatchObject({ ok: true, banner: 'UNCLASSIFIED//REL TO USA, FVEY' });
  });

  it('clamps a default above the author clearance to the highest allowed level', () => {
    const { last } = renderPicker({ cell: trilateral, author: ausAnalyst }, 'TOP SECRET//REL TO USA, JPN, KOR');
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, AUS, JPN, KOR' });
  });
});
