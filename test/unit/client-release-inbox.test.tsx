// @vitest-environment happy-dom
// The FDO inbox: each pending request with what, who, why and to what marking, a countdown that
// ticks to the deadline, whether silence releases it, and Approve / Deny where a denial cannot be
// sent without a reason. Refusals from the server are shown in words.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPolicy } from '../../shared/markings';
import type { ReleasePolicy, ReleaseRequest } from '../../shared/protocol';
import { FdoInbox } from '../../client/src/release/FdoInbox';
import { groupInbox } from '../../client/src/release/inboxGroups';
import { ServerError } from '../../client/src/session/errors';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

function pending(id: string, fromMarking: string, deadlineInMs: number): ReleaseRequest {
  return {
    id,
    workspaceId: 'ws1',
    objectId: `obj-${id}`,
    originator: 'USA',
    fromMarking,
    targetMarking: 'SECRET//REL TO USA, AUS, JPN',
    justification: 'JPN patrol covers the coast road tonight.',
    requestedBy: { sub: 'aus-analyst', name: 'Liam Walsh', nation: 'AUS' },
    requestedAt: new Date(NOW - 60_000).toISOString(),
    deadline: new Date(NOW + deadlineInMs).toISOString(),
    state: 'pending',
  };
}

const convoy = pending('r1', 'SECRET//REL TO USA, AUS', 90_000);
const orcon = pending('r2', 'SECRET//ORCON/REL TO USA, AUS', 2 * 3_600_000 + 5_000);

const usaOptedIn: ReleasePolicy = { deadlineMinutes: 60, autoRelease: true, autoReleaseNations: ['USA'] };

function renderInbox(onDecide = vi.fn(async () => undefined), releasePolicy: ReleasePolicy = usaOptedIn) {
  render(
    <FdoInbox
      requests={[convoy, orcon]}
      releasePolicy={releasePolicy}
      policy={defaultPolicy}
      nameOf={(id) => (id === 'obj-r1' ? 'map feature “Convoy (tearline)”' : 'report “Port activity”')}
      onDecide={onDecide}
      contentOf={(id) => (id === 'obj-r1' ? 'Convoy (tearline)\n\nSix trucks on the coast road.' : null)}
    />,
  );
  return { onDecide, item: (name: string) => screen.getByRole('article', { name: `Release request for ${name}` }) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('<FdoInbox>', () => {
  it('shows what is asked, by whom, why and to what marking', () => {
    const { item } = renderInbox();
    expect(screen.getByRole('heading', { name: 'Inbox: releases to decide (2)' })).toBeTruthy();
    const text = item('map feature “Convoy (tearline)”').textContent;
    expect(text).toContain('NowSECRET//REL TO USA, AUS');
    expect(text).toContain('Release toSECRET//REL TO USA, AUS, JPN');
    expect(text).toContain('Liam Walsh (AUS)');
    expect(text).toContain('JPN patrol covers the coast road tonight.');
  });

  it('shows the content to be released beside its marking now', () => {
    const { item } = renderInbox();
    expect(within(item('map feature “Convoy (tearline)”')).getByTestId('inbox-content').textContent).toBe('Convoy (tearline)\n\nSix trucks on the coast road.');
    expect(item('map feature “Convoy (tearline)”').textContent).toContain('NowSECRET//REL TO USA, AUSContentConvoy');
    expect(within(item('report “Port activity”')).getByTestId('inbox-content').textContent).toBe('Not loaded yet.');
  });

  it('counts down to each deadline, live, and says when it has passed', () => {
    const { item } = renderInbox();
    const countdown = (name: string) => within(item(name)).getByTestId('countdown').textContent;
    expect(countdown('map feature “Convoy (tearline)”')).toMatch(/^Decision due in 1 min 30 s/);
    expect(countdown('report “Port activity”')).toMatch(/^Decision due in 2 h 0 min 5 s/);
    act(() => vi.advanceTimersByTime(31_000));
    expect(countdown('map feature “Convoy (tearline)”')).toMatch(/^Decision due in 59 s/);
    act(() => vi.advanceTimersByTime(60_000));
    expect(countdown('map feature “Convoy (tearline)”')).toMatch(/^Deadline reached/);
  });

  it('says whether silence releases it: not for ORCON, not when the cell does not auto-release, not unless the originator opted in', () => {
    const { item } = renderInbox();
    expect(item('map feature “Convoy (tearline)”').textContent).toContain('Released automatically at the deadline unless an FDO decides first.');
    expect(item('report “Port activity”').textContent).toContain('ORCON: never released automatically');
    cleanup();
    renderInbox(undefined, { ...usaOptedIn, autoRelease: false });
    expect(screen.getAllByText(/expires at the deadline \(this cell does not release automatically\)/)).toHaveLength(2);
    cleanup();
    renderInbox(undefined, { ...usaOptedIn, autoReleaseNations: ['GBR'] });
    expect(screen.getAllByText(/expires at the deadline \(USA has not opted its material in to automatic release in this cell\)/)).toHaveLength(2);
  });

  it('approves with one click', async () => {
    const { onDecide, item } = renderInbox();
    fireEvent.click(within(item('map feature “Convoy (tearline)”')).getByRole('button', { name: 'Approve' }));
    await act(async () => undefined);
    expect(onDecide).toHaveBeenCalledWith(convoy, 'approve', undefined, undefined);
  });

  it('will not deny without a category and a reason, and sends the reason trimmed', async () => {
    const { onDecide, item } = renderInbox();
    const card = item('map feature “Convoy (tearline)”');
    fireEvent.click(within(card).getByRole('button', { name: 'Deny…' }));
    const deny = within(card).getByRole('button', { name: 'Deny release' });
    expect((deny as HTMLButtonElement).disabled).toBe(true);
    expect(within(card).getByText('A denial needs a reason.')).toBeTruthy();
    const reason = within(card).getByLabelText(/^Reason for the denial/);
    fireEvent.change(reason, { target: { value: '   ' } });
    expect((deny as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(deny);
    expect(onDecide).not.toHaveBeenCalled();

    fireEvent.change(reason, { target: { value: '  Reveals the source’s access.  ' } });
    // The category is mandatory too: the figures count denials by it.
    expect((deny as HTMLButtonElement).disabled).toBe(true);
    expect(within(card).getByText('Choose why it is denied.')).toBeTruthy();
    fireEvent.change(within(card).getByLabelText('Why'), { target: { value: 'sources_methods' } });
    expect((deny as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(deny);
    await act(async () => undefined);
    expect(onDecide).toHaveBeenCalledWith(convoy, 'deny', 'Reveals the source’s access.', 'sources_methods');
  });

  it('shows the server’s refusal in words', async () => {
    const refuse = vi.fn(async () => {
      throw new ServerError('forbidden', 'Only an FDO of USA, the nation that originated this object, may approve its release.');
    });
    const { item } = renderInbox(refuse);
    const card = item('map feature “Convoy (tearline)”');
    fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    await act(async () => undefined);
    expect(within(card).getByRole('alert').textContent).toBe(
      'The approval was not recorded: Only an FDO of USA, the nation that originated this object, may approve its release.',
    );
  });
});

describe('a report with its paragraphs in the inbox', () => {
  // obj-rep is a report; obj-p1 and obj-p2 its paragraphs 1 and 2; obj-q1 a paragraph of a report with no pending request.
  const places: Record<string, { reportId: string; index: number }> = {
    'obj-p1': { reportId: 'obj-rep', index: 0 },
    'obj-p2': { reportId: 'obj-rep', index: 1 },
    'obj-q1': { reportId: 'obj-other', index: 0 },
  };
  const locate = (id: string) => places[id] ?? null;
  const second = pending('p2', 'SECRET//NOFORN', 60_000);
  const report = pending('rep', 'SECRET//REL TO USA, AUS', 120_000);
  const first = pending('p1', 'CONFIDENTIAL//REL TO USA, AUS', 121_000);
  const loose = pending('q1', 'SECRET//REL TO USA, AUS', 30_000);

  it('puts paragraph requests under their report’s, in the report’s order; others stay on their own', () => {
    const groups = groupInbox([loose, second, convoy, report, first], locate);
    expect(groups.map((g) => [g.lead.id, g.paragraphs.map((p) => p.id)])).toEqual([
      ['q1', []],
      ['r1', []],
      ['rep', ['p1', 'p2']],
    ]);
  });

  it('approves the report and each paragraph, in that order, with one button', async () => {
    const onDecide = vi.fn(async (_request: ReleaseRequest, _decision: 'approve' | 'deny') => undefined);
    render(
      <FdoInbox
        requests={[second, report, first]}
        releasePolicy={usaOptedIn}
        policy={defaultPolicy}
        nameOf={(id) => (id === 'obj-rep' ? 'report “Harbour summary”' : `paragraph ${(places[id]?.index ?? 0) + 1} of report “Harbour summary”`)}
        locate={locate}
        onDecide={onDecide}
      />,
    );
    const group = screen.getByRole('group', { name: 'report “Harbour summary” with 2 paragraph(s)' });
    expect(within(group).getAllByRole('article').map((a) => a.getAttribute('aria-label'))).toEqual([
      'Release request for report “Harbour summary”',
      'Release request for paragraph 1 of report “Harbour summary”',
      'Release request for paragraph 2 of report “Harbour summary”',
    ]);
    await act(async () => {
      fireEvent.click(within(group).getByRole('button', { name: 'Approve the report and its 2 paragraph(s)' }));
    });
    expect(onDecide.mock.calls.map(([request, decision]) => [request.id, decision])).toEqual([
      ['rep', 'approve'],
      ['p1', 'approve'],
      ['p2', 'approve'],
    ]);
  });
});
