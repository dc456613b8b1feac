// @vitest-environment happy-dom
// The sharing-figures dashboard: the server's figures as recharts charts with the same numbers in
// tables, in words where a chart would mislead (no decided request, no denial).
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharingFigures } from '../../client/src/session/api';
import { FiguresDashboard } from '../../client/src/figures/FiguresDashboard';
import { formatShare, timeUnitFor } from '../../client/src/figures/figureFormat';

afterEach(cleanup);

const figures: SharingFigures = {
  totals: { objects: 12, textLength: 4800 },
  partners: [
    { nation: 'USA', objects: 12, objectShare: 1, textLength: 4800, textShare: 1 },
    { nation: 'AUS', objects: 5, objectShare: 5 / 12, textLength: 1200, textShare: 0.25 },
    { nation: 'JPN', objects: 1, objectShare: 1 / 12, textLength: 48, textShare: 0.01 },
  ],
  noforn: { objects: 3, rate: 0.25 },
  releases: {
    requested: 7,
    pending: 1,
    approved: 3,
    denied: 2,
    withdrawn: 0,
    autoReleased: 1,
    expired: 0,
    failed: 0,
    decisionTime: { count: 6, medianMs: 200_000, p90Ms: 3_720_000 },
    denialsByCategory: [{ category: 'sources_methods', count: 2 }],
    denialsByReason: [
      { reason: 'Reveals the source', count: 2 },
    ],
  },
};

const rows = (name: string) =>
  within(screen.getByRole('table', { name }))
    .getAllByRole('row')
    .map((row) => Array.from(row.children, (cell) => cell.textContent));

describe('<FiguresDashboard>', () => {
  it('tabulates each partner’s share of items and of text', () => {
    render(<FiguresDashboard figures={figures} />);
    expect(rows('Share per partner')).toEqual([
      ['Partner', 'Items', 'Share of items', 'Share of text'],
      ['USA', '12', '100.0 %', '100.0 %'],
      ['AUS', '5', '41.7 %', '25.0 %'],
      ['JPN', '1', '8.3 %', '1.0 %'],
    ]);
  });

  it('draws the charts with recharts: a bar per partner and measure, the NOFORN pie, outcomes, times, denials', () => {
    const { container } = render(<FiguresDashboard figures={figures} />);
    const figure = (heading: string) => screen.getByRole('heading', { name: heading }).closest('section')!;
    expect(figure('Share of the picture each partner sees').querySelectorAll('.recharts-bar-rectangle')).toHaveLength(6);
    expect(figure('NOFORN rate').querySelectorAll('.recharts-pie-sector')).toHaveLength(2);
    // One bar per outcome that happened (withdrawn and expired are zero here).
    expect(figure('Release requests (7)').querySelectorAll('.recharts-bar-rectangle')).toHaveLength(4);
    expect(figure('Time from request to decision').querySelectorAll('.recharts-bar-rectangle')).toHaveLength(2);
    expect(figure('Denials by category').querySelectorAll('.recharts-bar-rectangle')).toHaveLength(1);
    expect(container.querySelectorAll('svg.recharts-surface').length).toBeGreaterThanOrEqual(5);
  });

  it('states the NOFORN rate, outcomes, decision times and denials in words', () => {
    render(<FiguresDashboard figures={figures} />);
    expect(screen.getByTestId('noforn-rate').textContent).toBe('25.0 % of items are NOFORN (3 of 12).');
    expect(rows('Release requests by outcome')).toEqual([
      ['Pending', '1'],
      ['Approved', '3'],
      ['Released automatically', '1'],
      ['Denied', '2'],
      ['Withdrawn', '0'],
      ['Expired', '0'],
      ['Not carried out', '0'],
    ]);
    expect(screen.getByTestId('decision-times').textContent).toBe(
      'Median 3 min 20 s, 90th percentile 1 h 2 min, over 6 decided requests (approved, denied or released automatically).',
    );
    expect(rows('Denials by category')).toEqual([['Would expose sources or methods', '2']]);
    expect(rows('Denials by reason')).toEqual([['Reveals the source', '2']]);
  });

  it('says so when nothing was decided or denied, instead of drawing empty charts', () => {
    const quiet: SharingFigures = {
      totals: { objects: 0, textLength: 0 },
      partners: [{ nation: 'USA', objects: 0, objectShare: null, textLength: 0, textShare: null }],
      noforn: { objects: 0, rate: null },
      releases: { ...figures.releases, requested: 0, pending: 0, approved: 0, denied: 0, autoReleased: 0, decisionTime: { count: 0, medianMs: null, p90Ms: null }, denialsByCategory: [], denialsByReason: [] },
    };
    render(<FiguresDashboard figures={quiet} />);
    expect(rows('Share per partner')[1]).toEqual(['USA', '0', 'n/a', 'n/a']);
    expect(screen.getByTestId('noforn-rate').textContent).toBe('n/a of items are NOFORN (0 of 0).');
    expect(screen.getByTestId('decision-times').textContent).toBe('No request has been decided yet.');
    expect(screen.getByText('No release has been denied.')).toBeTruthy();
  });
});

describe('figure formatting', () => {
  it('rounds shares to a tenth of a percent and picks a readable time unit', () => {
    expect(formatShare(2 / 3)).toBe('66.7 %');
    expect(formatShare(null)).toBe('n/a');
    expect(timeUnitFor(90_000).label).toBe('s');
    expect(timeUnitFor(30 * 60_000).label).toBe('min');
    expect(timeUnitFor(5 * 3_600_000).label).toBe('h');
  });
});
