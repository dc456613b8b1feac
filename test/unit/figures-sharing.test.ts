import { describe, expect, it } from 'vitest';
import { policyWithGroups } from '../../shared/markings';
import type { ReleaseRequest } from '../../shared/release';
import { sharingFigures, type FigureObject } from '../../server/figures/sharingFigures';
import { median, percentile } from '../../server/figures/stats';
import { pendingRequest } from '../helpers/releaseRequests';

const minute = 60_000;
const t0 = Date.parse('2025-03-01T08:00:00.000Z');
const fdo = { sub: 'usa-fdo', name: 'US FDO', nation: 'USA' };

/** GBR asks to release a NOFORN object; a request not pending closed `afterMinutes` after it was made. */
function request(id: string, outcome: Partial<ReleaseRequest> & { state: ReleaseRequest['state']; afterMinutes?: number }): ReleaseRequest {
  const { afterMinutes = 0, ...rest } = outcome;
  const requestedMs = t0 + Number(id.replace(/\D/g, '')) * 1000;
  return pendingRequest(id, {
    requestedMs,
    deadlineMs: requestedMs + 72 * 60 * minute,
    targetMarking: 'SECRET//REL TO USA, GBR',
    justification: 'Partners need it.',
    requestedBy: { sub: 'gbr-analyst', name: 'UK analyst', nation: 'GBR' },
    ...(rest.state !== 'pending' ? { closedAt: new Date(requestedMs + afterMinutes * minute).toISOString() } : {}),
    ...rest,
  });
}

// A seeded cell of four partners. Who may see what, by hand:
//   #  marking                                   originator text  USA GBR AUS JPN
//   1  SECRET//REL TO USA, GBR, AUS              USA        100    x   x   x
//   2  SECRET//NOFORN                            USA         50    x
//   3  SECRET//REL TO USA, FVEY                  USA        200    x   x   x
//   4  UNCLASSIFIED                              USA         10    x   x   x   x
//   5  SECRET//NOFORN                            GBR         40        x
//   6  CONFIDENTIAL//REL TO USA, JPN             USA        100    x           x
//   7  SECRET//REL TO USA, AUS/DISPLAY ONLY JPN  USA          0    x       x   x
//   total 7 objects, 500 characters; NOFORN: #2 and #5.
const objects: FigureObject[] = [
  { marking: 'SECRET//REL TO USA, GBR, AUS', originator: 'USA', textLength: 100 },
  { marking: 'SECRET//NOFORN', originator: 'USA', textLength: 50 },
  { marking: 'SECRET//REL TO USA, FVEY', originator: 'USA', textLength: 200 },
  { marking: 'UNCLASSIFIED', originator: 'USA', textLength: 10 },
  { marking: 'SECRET//NOFORN', originator: 'GBR', textLength: 40 },
  { marking: 'CONFIDENTIAL//REL TO USA, JPN', originator: 'USA', textLength: 100 },
  { marking: 'SECRET//REL TO USA, AUS//DISPLAY ONLY JPN', originator: 'USA', textLength: 0 },
];

// Decided requests take 10, 20, 30, 40, 50, 60, 90, 120, 240 and 4320 minutes:
// median (50 + 60) / 2 = 55 min; p90 by nearest rank = the 9th of 10 = 240 min.
const requests: ReleaseRequest[] = [
  request('r1', { state: 'denied', afterMinutes: 10, decidedBy: fdo, reason: 'Source protection.' }),
  request('r2', { state: 'approved', afterMinutes: 20, decidedBy: fdo }),
  request('r3', { state: 'approved', afterMinutes: 30, decidedBy: fdo }),
  request('r4', { state: 'approved', afterMinutes: 40, decidedBy: fdo }),
  request('r5', { state: 'denied', afterMinutes: 50, decidedBy: fdo, reason: '  source   protection. ' }),
  request('r6', { state: 'denied', afterMinutes: 60, decidedBy: fdo, reason: 'Operational security' }),
  request('r7', { state: 'approved', afterMinutes: 90, decidedBy: fdo }),
  request('r8', { state: 'approved', afterMinutes: 120, decidedBy: fdo }),
  request('r9', { state: 'denied', afterMinutes: 240, decidedBy: fdo, reason: 'SOURCE PROTECTION.' }),
  request('r10', { state: 'auto_released', afterMinutes: 72 * 60 }),
  request('r11', { state: 'withdrawn', afterMinutes: 5 }),
  request('r12', { state: 'expired', afterMinutes: 72 * 60, cause: 'auto_release_off' }),
  request('r13', { state: 'pending' }),
  // Not carried out: counted on its own, and not as a decision (its closing time is the failure's).
  request('r14', { state: 'failed', afterMinutes: 15, decidedBy: fdo, failure: 'The item is still marked SECRET//NOFORN.' }),
];

describe('sharingFigures on a seeded cell', () => {
  const figures = sharingFigures({ partners: ['JPN', 'GBR', 'USA', 'AUS', 'GBR'], objects, requests });

  it('counts what each partner may see, in objects and in text, lead nation first', () => {
    expect(figures.totals).toEqual({ objects: 7, textLength: 500 });
    expect(figures.partners).toEqual([
      { nation: 'USA', objects: 6, objectShare: 6 / 7, textLength: 460, textShare: 460 / 500 },
      { nation: 'AUS', objects: 4, objectShare: 4 / 7, textLength: 310, textShare: 310 / 500 },
      { nation: 'GBR', objects: 4, objectShare: 4 / 7, textLength: 350, textShare: 350 / 500 },
      { nation: 'JPN', objects: 3, objectShare: 3 / 7, textLength: 110, textShare: 110 / 500 },
    ]);
  });

  it('gives the NOFORN rate', () => {
    expect(figures.noforn).toEqual({ objects: 2, rate: 2 / 7 });
  });

  it('counts requests by outcome, times decisions and groups denials by reason', () => {
    expect(figures.releases).toEqual({
      requested: 14,
      pending: 1,
      approved: 5,
      denied: 4,
      withdrawn: 1,
      autoReleased: 1,
      expired: 1,
      failed: 1,
      decisionTime: { count: 10, medianMs: 55 * minute, p90Ms: 240 * minute },
      // The seeded denials name no category: counted as `other`.
      denialsByCategory: [{ category: 'other', count: 4 }],
      denialsByReason: [
        { reason: 'Source protection.', count: 3 },
        { reason: 'Operational security', count: 1 },
      ],
    });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(figures))).toEqual(figures);
  });
});

describe('sharingFigures edge cases', () => {
  it('an empty cell has no shares and no decision time rather than zeros', () => {
    expect(sharingFigures({ partners: ['USA', 'GBR'], objects: [], requests: [] })).toEqual({
      totals: { objects: 0, textLength: 0 },
      partners: [
        { nation: 'USA', objects: 0, objectShare: null, textLength: 0, textShare: null },
        { nation: 'GBR', objects: 0, objectShare: null, textLength: 0, textShare: null },
      ],
      noforn: { objects: 0, rate: null },
      releases: {
        requested: 0, pending: 0, approved: 0, denied: 0, withdrawn: 0, autoReleased: 0, expired: 0, failed: 0,
        decisionTime: { count: 0, medianMs: null, p90Ms: null },
        denialsByCategory: [],
        denialsByReason: [],
      },
    });
  });

  it("counts a portion for a nation only if it may also see the portion's report", () => {
    const portion = { marking: 'S//REL TO USA, GBR, AUS', originator: 'USA', textLength: 30, parentMarkings: ['S//REL TO USA, GBR'] };
    const figures = sharingFigures({ partners: ['USA', 'GBR', 'AUS'], objects: [portion], requests: [] });
    expect(figures.partners.map((p) => [p.nation, p.objects, p.textLength])).toEqual([
      ['USA', 1, 30],
      ['AUS', 0, 0],
      ['GBR', 1, 30],
    ]);
  });

  it("uses the cell's own groups", () => {
    const policy = policyWithGroups({ QUAD: ['USA', 'JPN', 'AUS', 'IND'] });
    const figures = sharingFigures({ partners: ['USA', 'IND', 'GBR'], objects: [{ marking: 'S//REL TO USA, QUAD', originator: 'USA', textLength: 5 }], requests: [], policy });
    expect(figures.partners.map((p) => [p.nation, p.objects])).toEqual([
      ['USA', 1],
      ['GBR', 0],
      ['IND', 1],
    ]);
  });
});

describe('order statistics', () => {
  it('median: middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('p90 by nearest rank', () => {
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(percentile([], 90)).toBeNull();
  });
});
