// @vitest-environment happy-dom
// The request-release dialog: its marking picker offers only markings wider than the item's (no
// higher level, no partner removed, no NOFORN over REL TO, no added compartment, ORCON as it is),
// a justification is required, and the request's outcome shows live, with a denial's reason.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Participant } from '../../shared/markings';
import type { Envelope, ReleaseRequest } from '../../shared/protocol';
import { paragraphName } from '../../shared/paragraphName';
import { cellMarkings, markingOf } from '../../client/src/markings/cell';
import { choiceToMarking, initialChoice, type PickerContext } from '../../client/src/markings/pickerModel';
import { ReleaseRequestDialog } from '../../client/src/release/ReleaseRequestDialog';

afterEach(cleanup);

const cell = cellMarkings({ members: ['USA', 'AUS', 'JPN', 'GBR'], groups: {}, systemHigh: 'TOP SECRET' });
const ausAnalyst: Participant = { nation: 'AUS', clearance: 'SECRET', compartments: [] };
const usaAnalyst: Participant = { nation: 'USA', clearance: 'TOP SECRET', compartments: ['SI', 'TK'] };

function envelope(marking: string, portion: string, originator = 'USA'): Envelope {
  return {
    id: 'tl1',
    workspaceId: 'ws1',
    kind: 'feature',
    marking,
    portion,
    originator,
    parentId: null,
    orderKey: 'a0',
    createdBy: 'aus-analyst',
    createdAt: '2026-03-01T12:00:00.000Z',
    epoch: 0,
    sourceId: 'src1',
  };
}

const tearline = envelope('SECRET//REL TO USA, AUS', '(S//REL TO USA, AUS)');

function request(outcome: Partial<ReleaseRequest> & Pick<ReleaseRequest, 'state'>): ReleaseRequest {
  return {
    id: 'r1',
    workspaceId: 'ws1',
    objectId: 'tl1',
    originator: 'USA',
    fromMarking: 'SECRET//REL TO USA, AUS',
    targetMarking: 'SECRET//REL TO USA, AUS, JPN',
    justification: 'JPN patrol tonight.',
    requestedBy: { sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS' },
    requestedAt: new Date(Date.now() - 1000).toISOString(),
    deadline: new Date(Date.now() + 3_600_000).toISOString(),
    ...outcome,
  } as ReleaseRequest;
}

function renderDialog(item: Envelope, author = ausAnalyst, latest: ReleaseRequest | null = null) {
  const onRequest = vi.fn(async (_marking: string, _justification: string) => request({ state: 'pending' }));
  const props = {
    envelope: item,
    objectName: 'map feature “Convoy (tearline)”',
    picker: { cell, author },
    releasePolicy: undefined,
    onRequest,
    onWithdraw: vi.fn(async () => undefined),
    onClose: vi.fn(),
  };
  const view = render(<ReleaseRequestDialog {...props} latest={latest} />);
  return { onRequest, rerender: (next: ReleaseRequest | null) => view.rerender(<ReleaseRequestDialog {...props} latest={next} />) };
}

const picker = () => screen.getByRole('group', { name: 'Release to' });
const send = () => screen.getByRole('button', { name: 'Send request' }) as HTMLButtonElement;

describe('<ReleaseRequestDialog>', () => {
  it('offers no level above the item’s, no NOFORN over REL TO, and keeps the partners it has', () => {
    // A TOP SECRET requester in a TOP SECRET cell: the item's SECRET is the ceiling.
    renderDialog(tearline, usaAnalyst);
    const levels = within(picker()).getAllByRole('option').map((option) => option.textContent);
    expect(levels).toEqual(['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET']);
    expect(within(picker()).queryByRole('radio', { name: 'NOFORN (own nation only)' })).toBeNull();
    const aus = within(picker()).getByRole('checkbox', { name: 'AUS' }) as HTMLInputElement;
    expect(aus.checked).toBe(true);
    expect(aus.disabled).toBe(true);
    expect((within(picker()).getByRole('checkbox', { name: 'JPN' }) as HTMLInputElement).disabled).toBe(false);
    expect((within(picker()).getByRole('checkbox', { name: /^ORCON/ }) as HTMLInputElement).disabled).toBe(true);
  });

  it('sends nothing until the marking is wider and a justification is given', async () => {
    const { onRequest } = renderDialog(tearline);
    expect(screen.getByRole('alert').textContent).toMatch(/^Choose a wider marking/);
    expect(send().disabled).toBe(true);

    fireEvent.click(within(picker()).getByRole('checkbox', { name: 'JPN' }));
    expect(within(picker()).getByTestId('audience').textContent).toBe('Visible to USA, AUS, JPN; not to GBR. Newly visible to JPN.');
    expect(send().disabled).toBe(true);
    expect(screen.getByText('A justification is required.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText(/^Justification/), { target: { value: '  JPN patrol tonight.  ' } });
    expect(send().disabled).toBe(false);
    fireEvent.click(send());
    await act(async () => undefined);
    expect(onRequest).toHaveBeenCalledWith('SECRET//REL TO USA, AUS, JPN', 'JPN patrol tonight.');
  });

  it('accepts a lower classification as a release, with the item’s originator kept', () => {
    renderDialog(tearline);
    fireEvent.change(within(picker()).getByLabelText('Classification'), { target: { value: 'C' } });
    expect(screen.getByText('CONFIDENTIAL//REL TO USA, AUS')).toBeTruthy();
    expect(within(picker()).getByTestId('audience').textContent).toBe('Visible to USA, AUS; not to GBR, JPN.');
  });

  it('for a NOFORN item offers REL TO, and never a compartment the item lacks', () => {
    renderDialog(envelope('TOP SECRET//SI//NOFORN', '(TS//SI//NF)'), usaAnalyst);
    expect(within(picker()).queryByRole('checkbox', { name: 'TK' })).toBeNull();
    expect((within(picker()).getByRole('checkbox', { name: 'SI' }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(picker()).getByRole('radio', { name: 'REL TO partners' }));
    fireEvent.click(within(picker()).getByRole('checkbox', { name: 'GBR' }));
    expect(screen.getByText('TOP SECRET//SI//REL TO USA, GBR')).toBeTruthy();
  });

  it('shows the outcome live, and a denial with its reason', () => {
    const pending = request({ state: 'pending' });
    const { rerender } = renderDialog(tearline, ausAnalyst, pending);
    const status = () => screen.getByTestId('request-status').textContent ?? '';
    expect(status()).toContain('Pending: release to SECRET//REL TO USA, AUS, JPN.');
    expect(status()).toMatch(/Decision due in (1 h 0 min|59 min \d+ s)/);
    expect(screen.getByRole('button', { name: 'Withdraw request' })).toBeTruthy();

    const decidedBy = { sub: 'usa-fdo', name: 'Jordan Blake', nation: 'USA' };
    rerender(request({ state: 'denied', closedAt: '2026-03-01T12:05:00.000Z', decidedBy, reason: 'Reveals the source.' }));
    // A request that was pending when the dialog opened stays in view once decided.
    expect(status()).toContain('Denied: release to SECRET//REL TO USA, AUS, JPN. Denied by Jordan Blake (USA)');
    expect(screen.getByText('Reason: Reveals the source.')).toBeTruthy();
  });
});

describe('<ReleaseRequestDialog> for a report: its paragraphs go along', () => {
  const report: Envelope = { ...envelope('SECRET//REL TO USA, AUS', '(S//REL TO USA, AUS)'), id: 'rep1', kind: 'report' };
  const paragraph = (id: string, marking: string, portion: string): Envelope => ({ ...envelope(marking, portion), id, kind: 'portion', parentId: 'rep1' });
  // Each paragraph by its stable name, never by its place.
  const [P1, P2, P3] = ['p1', 'p2', 'p3'].map(paragraphName);
  const paragraphs = [
    paragraph('p1', 'SECRET//REL TO USA, AUS', '(S//REL TO USA, AUS)'),
    paragraph('p2', 'SECRET//NOFORN', '(S//NF)'),
    paragraph('p3', 'CONFIDENTIAL//REL TO USA, AUS, JPN', '(C//REL TO USA, AUS, JPN)'),
  ];

  function renderReport(refuse: string | null = null) {
    const onRequest = vi.fn(async (_marking: string, _justification: string) => request({ state: 'pending' }));
    const onRequestParagraph = vi.fn(async (id: string, _marking: string, _justification: string) => {
      if (id === refuse) throw new Error('A release request for this item is already pending.');
      return request({ state: 'pending', id: `r-${id}`, objectId: id });
    });
    const props = {
      envelope: report,
      objectName: 'report “Port activity”',
      picker: { cell, author: usaAnalyst },
      releasePolicy: undefined,
      paragraphs,
      onRequest,
      onRequestParagraph,
      onWithdraw: vi.fn(async () => undefined),
      onClose: vi.fn(),
    };
    const view = render(<ReleaseRequestDialog {...props} latest={null} />);
    return { onRequest, onRequestParagraph, rerender: (latest: ReleaseRequest) => view.rerender(<ReleaseRequestDialog {...props} latest={latest} />) };
  }
  const along = () => screen.getByRole('group', { name: 'Paragraphs to release with it' });
  const box = (name: RegExp) => within(along()).getByRole('checkbox', { name }) as HTMLInputElement;

  it('proposes each paragraph with the nations the report gains, ticked when it travels with the report today', () => {
    renderReport();
    expect(screen.queryByRole('group', { name: 'Paragraphs to release with it' })).toBeNull();
    fireEvent.click(within(picker()).getByRole('checkbox', { name: 'JPN' }));
    expect(box(new RegExp(`^Paragraph ${P1} `)).parentElement!.textContent).toBe(`Paragraph ${P1} (S//REL TO USA, AUS) → SECRET//REL TO USA, AUS, JPN`);
    expect(box(new RegExp(`^Paragraph ${P1} `)).checked).toBe(true);
    // Kept NOFORN on purpose until someone ticks it: not preselected.
    expect(box(new RegExp(`^Paragraph ${P2} `)).parentElement!.textContent).toBe(`Paragraph ${P2} (S//NF) → SECRET//REL TO USA, JPN`);
    expect(box(new RegExp(`^Paragraph ${P2} `)).checked).toBe(false);
    expect(within(along()).getByText(`Paragraph ${P3} (C//REL TO USA, AUS, JPN): already releasable to them`)).toBeTruthy();
    expect(within(along()).getAllByRole('checkbox')).toHaveLength(2);
  });

  it('sends the report’s request, then one per ticked paragraph, and shows each outcome', async () => {
    const { onRequest, onRequestParagraph, rerender } = renderReport('p2');
    fireEvent.click(within(picker()).getByRole('checkbox', { name: 'JPN' }));
    fireEvent.change(screen.getByLabelText(/^Justification/), { target: { value: 'JPN patrol tonight.' } });
    expect(screen.getByRole('button', { name: 'Send 2 requests' })).toBeTruthy();
    fireEvent.click(box(new RegExp(`^Paragraph ${P2} `)));
    fireEvent.click(screen.getByRole('button', { name: 'Send 3 requests' }));
    await act(async () => undefined);
    expect(onRequest).toHaveBeenCalledWith('SECRET//REL TO USA, AUS, JPN', 'JPN patrol tonight.');
    expect(onRequestParagraph.mock.calls).toEqual([
      ['p1', 'SECRET//REL TO USA, AUS, JPN', 'JPN patrol tonight.'],
      ['p2', 'SECRET//REL TO USA, JPN', 'JPN patrol tonight.'],
    ]);
    rerender(request({ state: 'pending' }));
    const outcomes = within(screen.getByRole('list', { name: 'Paragraph requests' })).getAllByRole('listitem').map((item) => item.textContent);
    expect(outcomes).toEqual([
      `Paragraph ${P1} (S//REL TO USA, AUS): release requested`,
      `Paragraph ${P2} (S//NF): not sent: A release request for this item is already pending.`,
    ]);
  });
});

describe('picker bounds for a release (pickerModel)', () => {
  const context: PickerContext = { cell, author: ausAnalyst, widerThan: markingOf('SECRET//REL TO USA, AUS', 'USA', cell.policy) };

  it('refuses a choice that drops a reader, even if built by hand', () => {
    const wide: PickerContext = { ...context, widerThan: markingOf('SECRET//REL TO USA, AUS, GBR', 'USA', cell.policy) };
    const dropped = { ...initialChoice('SECRET//REL TO USA, AUS, GBR', wide), relTo: ['USA', 'JPN'] };
    expect(choiceToMarking(dropped, wide)).toEqual({
      ok: false,
      problem: 'This would hide the item from some who see it now. A release only adds readers; change the marking to tighten it.',
    });
  });

  it('marks the result with the item’s originator, not the requester’s nation', () => {
    const wider = { ...initialChoice('SECRET//REL TO USA, AUS', context), relTo: ['USA', 'JPN'] };
    const result = choiceToMarking(wider, context);
    expect(result).toMatchObject({ ok: true, banner: 'SECRET//REL TO USA, AUS, JPN' });
    expect(result.ok && result.marking.originator).toBe('USA');
  });
});
