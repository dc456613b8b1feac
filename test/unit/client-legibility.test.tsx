// @vitest-environment happy-dom
// Legibility pieces of the client: date-time groups in Zulu with local time on hover, the actions
// menu worked from the keyboard, the typed marking checked as typed with the parser's caret, and
// the re-mark preview naming exactly who would see the item.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMarking } from '../../shared/markings';
import { formatDtg } from '../../shared/dtg';
import { formatSize } from '../../shared/sizes';
import { connectErrorText } from '../../client/src/session/errors';
import { cellMarkings } from '../../client/src/markings/cell';
import { MarkingPicker } from '../../client/src/markings/MarkingPicker';
import { audienceSentence, audienceSummary, choiceToMarking, initialChoice, type PickerContext, type PickerResult } from '../../client/src/markings/pickerModel';
import { Dtg } from '../../client/src/views/Dtg';
import { MenuButton } from '../../client/src/views/MenuButton';

afterEach(cleanup);

const cell = cellMarkings({ members: ['USA', 'AUS', 'GBR', 'JPN'], groups: {}, systemHigh: 'TOP SECRET' });
const usaEditor = { nation: 'USA', clearance: 'TOP SECRET', compartments: [], roles: ['editor'] };
const usa = (text: string) => ({ ...parseMarking(text, cell.policy), originator: 'USA' });

describe('date-time groups', () => {
  it('writes DDHHMMZMONYY in Zulu, with seconds where the audit needs them', () => {
    expect(formatDtg('2026-11-30T12:30:00Z')).toBe('301230ZNOV26');
    expect(formatDtg('2027-01-02T03:04:05.678Z')).toBe('020304ZJAN27');
    expect(formatDtg('2027-01-02T03:04:05Z', { seconds: true })).toBe('020304:05ZJAN27');
    expect(formatDtg('not a time')).toBeNull();
  });

  it('shows the group with the reader’s local time on hover', () => {
    render(<Dtg iso="2026-11-30T12:30:00Z" />);
    const time = screen.getByText('301230ZNOV26');
    expect(time.getAttribute('datetime')).toBe('2026-11-30T12:30:00Z');
    expect(time.getAttribute('title')).toMatch(/^30 Nov 2026, \d\d:\d\d:00 .* local$/);
  });
});

describe('<MenuButton>', () => {
  it('opens on the first item, moves with the arrows, Home and End, and Escape gives the focus back', () => {
    const chosen = vi.fn();
    const items = ['Change marking…', 'Create tearline', 'Export'].map((label) => ({ label, onSelect: () => chosen(label) }));
    render(<MenuButton text="Actions" label="Actions (S//NF)" items={items} />);
    const trigger = screen.getByRole('button', { name: 'Actions (S//NF)' });
    expect(trigger.getAttribute('aria-haspopup')).toBe('menu');
    fireEvent.keyDown(trigger, { key: 'ArrowDown' });
    const menu = screen.getByRole('menu', { name: 'Actions (S//NF)' });
    expect(trigger.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.textContent).toBe('Change marking…');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Export');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('Change marking…');
    fireEvent.keyDown(menu, { key: 'End' });
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Create tearline');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(trigger);

    fireEvent.click(trigger);
    fireEvent.click(within(screen.getByRole('menu')).getByRole('menuitem', { name: 'Export' }));
    expect(chosen).toHaveBeenCalledWith('Export');
    expect(screen.queryByRole('menu')).toBeNull();
  });
});

describe('typed marking', () => {
  function renderPicker(context: PickerContext, initial: string) {
    const onChange = vi.fn<(result: PickerResult) => void>();
    render(<MarkingPicker context={context} initial={initial} onChange={onChange} />);
    return { last: () => onChange.mock.calls.at(-1)?.[0], field: screen.getByLabelText('Or type the marking (CAPCO)') as HTMLInputElement };
  }

  it('shows the picker’s marking, checks what is typed with the parser’s message and caret, and follows a valid one', () => {
    const { last, field } = renderPicker({ cell, author: usaEditor }, 'SECRET//REL TO USA, AUS');
    expect(field.value).toBe('SECRET//REL TO USA, AUS');
    act(() => {
      fireEvent.change(field, { target: { value: 'SECRET//REL TO USA, XYZ' } });
    });
    const fault = screen.getByRole('alert');
    expect(fault.textContent).toContain('"XYZ" is not a country trigraph or group. (at character 21)');
    expect(fault.querySelector('pre')?.textContent).toBe('SECRET//REL TO USA, XYZ\n                    ^^^');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    act(() => {
      fireEvent.change(field, { target: { value: 'SECRET//REL TO USA, GBR, JPN' } });
    });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(last()).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, GBR, JPN' });
    expect((screen.getByRole('checkbox', { name: 'JPN' }) as HTMLInputElement).checked).toBe(true);
  });

  it('refuses a typed REL TO list that leaves out the author\'s own nation, as the server does, with a caret under REL TO', () => {
    const { field } = renderPicker({ cell, author: usaEditor }, 'SECRET//REL TO USA, AUS');
    act(() => {
      fireEvent.change(field, { target: { value: 'SECRET//REL TO GBR, JPN' } });
    });
    const fault = screen.getByRole('alert');
    expect(fault.textContent).toContain('REL TO GBR, JPN leaves out USA, the nation this material comes from');
    expect(fault.querySelector('pre')?.textContent).toBe('SECRET//REL TO GBR, JPN\n        ^^^^^^');
  });
});

describe('re-mark preview', () => {
  it('names exactly who would see a paragraph: its report limits it, and who gains or loses it is said', () => {
    const context: PickerContext = {
      cell,
      author: usaEditor,
      remarkOf: { from: usa('SECRET//REL TO USA, AUS, GBR'), actor: usaEditor },
      within: [usa('SECRET//REL TO USA, AUS, JPN')],
    };
    const result = choiceToMarking({ ...initialChoice('SECRET//REL TO USA, AUS', context) }, context);
    expect(result).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, AUS' });
    if (!result.ok) return;
    // Before: USA, AUS, GBR ∩ the report's USA, AUS, JPN = USA, AUS. After: the same two: no change.
    expect(audienceSentence(audienceSummary(result.marking, context))).toBe('Visible to USA, AUS; not to GBR, JPN.');
    const narrower = choiceToMarking({ ...initialChoice('SECRET//NOFORN', context) }, context);
    if (!narrower.ok) throw new Error(narrower.problem);
    expect(audienceSentence(audienceSummary(narrower.marking, context))).toBe('Visible to USA; not to AUS, GBR, JPN. No longer visible to AUS.');
  });

  it('refuses a widening to an editor who is not an FDO, with the server’s sentence', () => {
    const context: PickerContext = { cell, author: usaEditor, remarkOf: { from: usa('SECRET//REL TO USA, AUS'), actor: usaEditor } };
    expect(choiceToMarking(initialChoice('SECRET//REL TO USA, AUS, JPN', context), context)).toEqual({
      ok: false,
      problem: 'Widening a marking is a release: it needs a foreign disclosure officer of USA. Ask for a release instead.',
    });
    const fdo = { ...usaEditor, roles: ['editor', 'fdo'] };
    expect(choiceToMarking(initialChoice('SECRET//REL TO USA, AUS, JPN', context), { ...context, remarkOf: { ...context.remarkOf!, actor: fdo } })).toMatchObject({ ok: true });
  });
});

describe('errors in plain words', () => {
  it('gives sizes in KB and MB, never raw byte counts past a kilobyte', () => {
    expect(formatSize(600)).toBe('600 bytes');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(1_048_576)).toBe('1 MB');
    expect(formatSize(16_777_216)).toBe('16 MB');
  });

  it('says what a failed connection means instead of "websocket error", and gives the server’s own refusal', () => {
    expect(connectErrorText(new Error('websocket error'))).toBe('the Tearline server cannot be reached (the network or the server is down); trying again by itself');
    expect(connectErrorText(Object.assign(new Error('x'), { data: { code: 'unauthorized', message: 'Your sign-in has expired.' } }))).toBe(
      'the server refused the connection: Your sign-in has expired.',
    );
  });
});
