// The six access levels of the benchmark cell, as dev-identity personas (DESIGN.md), and the
// markings the workloads use with the levels each one reaches.
export interface Level {
  persona: string;
  nation: string;
}

export const LEVELS: readonly Level[] = [
  { persona: 'usa-analyst', nation: 'USA' }, // TOP SECRET
  { persona: 'usa-secret', nation: 'USA' },
  { persona: 'gbr-analyst', nation: 'GBR' },
  { persona: 'aus-analyst', nation: 'AUS' },
  { persona: 'jpn-analyst', nation: 'JPN' },
  { persona: 'kor-analyst', nation: 'KOR' },
];

export const CELL_MEMBERS = ['USA', 'GBR', 'AUS', 'CAN', 'NZL', 'JPN', 'KOR'] as const;

/** Releasable to every level of the cell: in the uniform workload every client gets every edit. */
export const SHARED_MARKING = 'SECRET//REL TO USA, AUS, CAN, GBR, JPN, KOR, NZL';

/**
 * The mixed workload's markings, with the indexes (into LEVELS) of the levels that may see each.
 * Kept as data next to the levels so the expected audience of an edit needs no policy engine.
 */
export const MIXED_MARKINGS: readonly { marking: string; levels: readonly number[] }[] = [
  { marking: SHARED_MARKING, levels: [0, 1, 2, 3, 4, 5] },
  { marking: 'SECRET//REL TO USA, AUS, CAN, GBR, NZL', levels: [0, 1, 2, 3] },
  { marking: 'SECRET//NOFORN', levels: [0, 1] },
  { marking: 'SECRET//REL TO USA, JPN, KOR', levels: [0, 1, 4, 5] },
  { marking: 'UNCLASSIFIED', levels: [0, 1, 2, 3, 4, 5] },
  { marking: 'TOP SECRET//NOFORN', levels: [0] },
];

/** The level of the i-th client: clients are dealt round-robin over the levels. */
export function levelOf(client: number): number {
  return client % LEVELS.length;
}
