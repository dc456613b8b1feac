// The AAR's figures shaped for EXCON's charts: one bar per nation's sight of each released
// inject (a note for a nation that never saw it), one per release request, one per denial category.
import { describe, expect, test } from 'vitest';
import type { AarFigures, ReleaseFigure } from '../../shared/exercise/aarFigures';
import { denialRows, releaseRows, timeToShareRows } from '../../client/src/exercise/aarCharts';

const MIN = 60_000;
const release = (id: string, extra: Partial<ReleaseFigure>): ReleaseFigure => ({
  requestId: id,
  objectId: 'o1',
  requestedBy: 'POL',
  to: 'SECRET//REL TO USA, NATO',
  requestedAt: '2026-11-30T12:00:00.000Z',
  closedAt: null,
  outcome: 'pending',
  tookMs: null,
  reason: null,
  category: null,
  ...extra,
});
const denied = (id: string, category: string | null) => ({ ...release(id, { outcome: 'denied', tookMs: 3 * MIN, category }), injectId: 'E-02' });

const FIGURES: AarFigures = {
  injects: [
    {
      injectId: 'E-01',
      title: 'Drone sighting',
      objective: null,
      releasedAt: '2026-11-30T12:00:00.000Z',
      scenarioMs: 0,
      nations: [
        { nation: 'POL', at: '2026-11-30T12:00:00.000Z', afterMs: 0, via: 'direct' },
        { nation: 'USA', at: '2026-11-30T12:12:00.000Z', afterMs: 12 * MIN, via: 'release' },
        { nation: 'DEU', at: null, afterMs: null, via: null },
      ],
      releases: [release('r1', { outcome: 'approved', tookMs: 12 * MIN, closedAt: '2026-11-30T12:12:00.000Z' }), release('r2', {})],
      expected: null,
    },
    { injectId: 'E-02', title: 'Held back', objective: null, releasedAt: null, scenarioMs: null, nations: [{ nation: 'POL', at: null, afterMs: null, via: null }], releases: [], expected: null },
    { injectId: 'E-03', title: 'Edit', objective: null, releasedAt: '2026-11-30T12:05:00.000Z', scenarioMs: 5 * MIN, nations: [], releases: [], expected: null },
  ],
  denials: [denied('r3', 'need_to_know'), denied('r4', 'sources_methods'), denied('r5', 'need_to_know'), denied('r6', null)],
  rfis: [],
};

describe('AAR chart rows', () => {
  test('time to share: a bar per nation of each released inject, a note for a nation that never saw it', () => {
    expect(timeToShareRows(FIGURES)).toEqual([
      { label: 'E-01 · POL', value: 0, tone: 'direct' },
      { label: 'E-01 · USA', value: 12 * MIN, tone: 'release' },
      { label: 'E-01 · DEU', value: null, tone: 'never', note: 'never saw it' },
    ]);
  });

  test('releases: how long each took and how it ended; an open one is a note', () => {
    expect(releaseRows(FIGURES)).toEqual([
      { label: 'E-01 · POL → SECRET//REL TO USA, NATO (approved)', value: 12 * MIN, tone: 'approved' },
      { label: 'E-01 · POL → SECRET//REL TO USA, NATO (still open)', value: null, tone: 'pending', note: 'still open' },
    ]);
  });

  test('denials counted by category, in the categories’ order; one without a category counts as other', () => {
    expect(denialRows(FIGURES)).toEqual([
      { label: 'Would expose sources or methods', value: 1, tone: 'sources_methods' },
      { label: 'No need to know', value: 2, tone: 'need_to_know' },
      { label: 'Other (see the reason)', value: 1, tone: 'other' },
    ]);
  });
});
