// canSee, access level keys, releasable nations, narrowing, and policies with workspace groups.
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_GROUPS,
  ISO_3166_ALPHA3,
  MarkingError,
  accessLevelKey,
  canHoldCopy,
  canSee,
  classificationRank,
  createPolicy,
  defaultPolicy,
  defaultPolicySpec,
  dominates,
  isNarrowing,
  parseMarking,
  participantFromLevelKey,
  policyWithGroups,
  releasableNations,
  widensChain,
} from '../../shared/markings';
import type { Marking, Participant } from '../../shared/markings';

const quad = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
const who = (nation: string, clearance: string, compartments: string[] = []): Participant => ({ nation, clearance, compartments });
const marked = (text: string, originator?: string): Marking => ({ ...parseMarking(text, quad), ...(originator ? { originator } : {}) });

// [participant, marking text, originator, may see]
const decisions: [Participant, string, string | undefined, boolean][] = [
  [who('USA', 'TOP SECRET'), 'SECRET//NOFORN', undefined, true],
  [who('GBR', 'TOP SECRET'), 'SECRET//NOFORN', undefined, false],
  [who('GBR', 'SECRET'), 'SECRET//NOFORN', 'GBR', true],
  [who('USA', 'TOP SECRET'), 'SECRET//NOFORN', 'GBR', false],
  [who('AUS', 'TOP SECRET'), 'SECRET//NOFORN', 'GBR', false],
  [who('USA', 'SECRET'), 'TOP SECRET//NOFORN', undefined, false],
  [who('USA', 'CONFIDENTIAL'), 'CONFIDENTIAL//NOFORN', undefined, true],
  [who('USA', 'TS'), 'TS//SI//NF', undefined, false],
  [who('USA', 'TS', ['SI']), 'TS//SI//NF', undefined, true],
  [who('USA', 'TS', ['SI']), 'TS//SI/TK//NF', undefined, false],
  [who('USA', 'TS', ['TK', 'SI']), 'TS//SI/TK//NF', undefined, true],
  // An RSV compartment is held by name: RSV alone or another RSV compartment is not enough.
  [who('USA', 'TS', ['RSV-ABC']), 'TS//RSV-ABC//NF', undefined, true],
  [who('USA', 'TS', ['RSV']), 'TS//RSV-ABC//NF', undefined, false],
  [who('USA', 'TS', ['RSV-XYZ']), 'TS//RSV-ABC//NF', undefined, false],
  [who('NZL', 'SECRET'), 'SECRET//REL TO USA, FVEY', undefined, true],
  [who('JPN', 'SECRET'), 'SECRET//REL TO USA, FVEY', undefined, false],
  [who('NZL', 'SECRET'), 'SECRET//REL TO USA, ACGU', undefined, false],
  [who('FIN', 'SECRET'), 'SECRET//REL TO USA, NATO', undefined, true],
  [who('SWE', 'SECRET'), 'SECRET//REL TO USA, NATO', undefined, true],
  [who('AUS', 'SECRET'), 'SECRET//REL TO USA, NATO', undefined, false],
  [who('IND', 'SECRET'), 'SECRET//REL TO USA, QUAD', undefined, true],
  [who('GBR', 'SECRET'), 'SECRET//REL TO USA, QUAD', undefined, false],
  [who('GBR', 'CONFIDENTIAL'), 'SECRET//REL TO USA, GBR', undefined, false],
  [who('GBR', 'SECRET'), 'SECRET//REL TO USA, GBR', undefined, true],
  [who('IRQ', 'SECRET'), 'SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ', undefined, true],
  [who('AFG', 'SECRET'), 'SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ', undefined, false],
  [who('GBR', 'SECRET'), 'SECRET', undefined, false],
  [who('GBR', 'SECRET'), 'SECRET//RELIDO', undefined, false],
  [who('USA', 'SECRET'), 'SECRET//RELIDO', undefined, true],
  [who('GBR', 'SECRET'), 'SECRET//REL TO USA, GBR/RELIDO', undefined, true],
  [who('GBR', 'SECRET'), 'SECRET//ORCON', undefined, false],
  [who('GBR', 'SECRET'), 'SECRET//ORCON/REL TO USA, GBR', undefined, true],
  [who('PRK', 'UNCLASSIFIED'), 'UNCLASSIFIED', undefined, true],
  [who('GBR', 'TOP SECRET'), 'UNCLASSIFIED//NOFORN', undefined, false],
  [who('GBR', 'TOP SECRET'), 'UNCLASSIFIED//REL TO USA, GBR', undefined, true],
  [who('JPN', 'TOP SECRET'), 'UNCLASSIFIED//REL TO USA, GBR', undefined, false],
  [who('USA', 'SECRET'), 'SECRET//REL TO GBR, AUS', 'GBR', false],
  [who('AUS', 'SECRET'), 'SECRET//REL TO GBR, AUS', 'GBR', true],
  [who('GBR', 'SECRET'), 'SECRET//REL TO USA, AUS', 'GBR', true],
  [who('gbr', 'secret', ['si']), 'SECRET//SI//REL TO USA, GBR', undefined, true],
  [who('usa', 'top secret'), 'TOP SECRET//NOFORN', undefined, true],
];

describe('canSee', () => {
  it.each(decisions)('%o · %s (originator %s) → %s', (participant, text, originator, expected) => {
    expect(canSee(participant, marked(text, originator), quad)).toBe(expected);
  });

  it('rejects an unknown clearance instead of guessing', () => {
    expect(() => canSee(who('USA', 'COSMIC'), marked('SECRET'))).toThrow(MarkingError);
  });

  it('follows a changed originator on a marking it has already decided on', () => {
    const m = marked('SECRET//NOFORN');
    const gbr = who('GBR', 'SECRET');
    expect(canSee(gbr, m)).toBe(false);
    m.originator = 'GBR';
    expect(canSee(gbr, m)).toBe(true);
  });

  it('works on markings that went through JSON, and leaves them plain data', () => {
    const m = marked('SECRET//REL TO USA, FVEY', 'GBR');
    expect(canSee(who('NZL', 'SECRET'), m)).toBe(true);
    const copy = JSON.parse(JSON.stringify(m)) as Marking;
    expect(copy).toStrictEqual(m);
    expect(canSee(who('NZL', 'SECRET'), copy)).toBe(true);
  });

  it('decides each marking object on its own content, even when equal markings were seen before', () => {
    const nzl = who('NZL', 'SECRET');
    expect(canSee(nzl, marked('SECRET//REL TO USA, FVEY'))).toBe(true);
    expect(canSee(nzl, marked('SECRET//REL TO USA, FVEY', 'GBR'))).toBe(true);
    expect(canSee(nzl, { ...marked('SECRET//REL TO USA, FVEY'), relTo: ['USA', 'GBR'] })).toBe(false);
    expect(canSee(nzl, { ...marked('SECRET//REL TO USA, FVEY'), noforn: true, relTo: [] })).toBe(false);
  });

  it('refuses a compartment the policy does not define, which no level key could carry', () => {
    expect(() => canSee(who('USA', 'TS', ['XX']), { ...marked('TOP SECRET//NOFORN'), compartments: ['XX'] })).toThrow('"XX" is not an SCI compartment');
  });

  it('refuses a group the policy does not define', () => {
    expect(() => canSee(who('IND', 'SECRET'), marked('SECRET//REL TO USA, QUAD'), defaultPolicy)).toThrow('"QUAD" is not a country trigraph or group');
  });
});

describe('accessLevelKey and participantFromLevelKey', () => {
  it('is canonical: case, order, duplicates and compartments the policy does not know make no difference', () => {
    expect(accessLevelKey(who('USA', 'TOP SECRET', ['TK', 'SI']))).toBe('USA|TS|SI,TK');
    expect(accessLevelKey(who('usa', 'ts', ['si', 'TK', 'SI', 'BOGUS']))).toBe('USA|TS|SI,TK');
    expect(accessLevelKey(who('GBR', 'Secret'))).toBe('GBR|S|');
  });

  it('round-trips to a participant with the same key', () => {
    for (const p of [who('USA', 'TS', ['SI', 'TK']), who('GBR', 'S'), who('JPN', 'UNCLASSIFIED', ['HCS'])]) {
      const key = accessLevelKey(p);
      expect(accessLevelKey(participantFromLevelKey(key))).toBe(key);
    }
    expect(participantFromLevelKey('USA|TS|SI,TK')).toEqual({ nation: 'USA', clearance: 'TS', compartments: ['SI', 'TK'] });
    expect(participantFromLevelKey('GBR|S|')).toEqual({ nation: 'GBR', clearance: 'S', compartments: [] });
  });

  it('keeps the RSV compartments held, which markings require by name, and drops RSV alone, which none can', () => {
    expect(accessLevelKey(who('USA', 'TS', ['rsv-abc', 'RSV', 'RSV-TOOLONG', 'SI']))).toBe('USA|TS|RSV-ABC,SI');
    expect(participantFromLevelKey('USA|TS|RSV-ABC,SI').compartments).toEqual(['RSV-ABC', 'SI']);
  });

  it('uses only characters safe in a room name', () => {
    expect(accessLevelKey(who('NZL', 'confidential', ['rsv', 'kdk', 'hcs']))).toMatch(/^[A-Z0-9,|-]+$/);
  });

  it('rejects an unknown nation or clearance, and malformed keys', () => {
    expect(() => accessLevelKey(who('XYZ', 'SECRET'))).toThrow(MarkingError);
    expect(() => accessLevelKey(who('USA', 'SUPER SECRET'))).toThrow(MarkingError);
    for (const key of ['', 'USA|TS', 'USA|TS|SI|X', 'usa|TS|', 'USA||', 'USA|TS|SI,,TK', 'room:USA|TS|']) {
      expect(() => participantFromLevelKey(key)).toThrow(MarkingError);
    }
  });
});

describe('releasableNations', () => {
  it('expands groups and lists the lead nation first', () => {
    expect(releasableNations(marked('SECRET//REL TO USA, FVEY'))).toEqual(['USA', 'AUS', 'CAN', 'GBR', 'NZL']);
    expect(releasableNations(marked('SECRET//REL TO QUAD, GBR'), quad)).toEqual(['USA', 'AUS', 'GBR', 'IND', 'JPN']);
  });

  it('includes the originator and DISPLAY ONLY nations', () => {
    expect(releasableNations(marked('SECRET//REL TO AUS, CAN/DISPLAY ONLY IRQ', 'GBR'))).toEqual(['AUS', 'CAN', 'GBR', 'IRQ']);
    expect(releasableNations(marked('SECRET//NOFORN', 'GBR'))).toEqual(['GBR']);
    expect(releasableNations(marked('TOP SECRET//SI//RELIDO'))).toEqual(['USA']);
  });

  it('is every nation for UNCLASSIFIED without release controls', () => {
    const all = releasableNations(marked('UNCLASSIFIED'));
    expect(all).toHaveLength(249);
    expect(all[0]).toBe('USA');
    expect(all).toContain('PRK');
  });
});

describe('isNarrowing and dominates', () => {
  // [from, to, narrowing]
  const changes: [string, string, boolean][] = [
    ['SECRET//REL TO USA, GBR', 'SECRET//NOFORN', true],
    ['SECRET//NOFORN', 'SECRET//REL TO USA, GBR', false],
    ['SECRET//REL TO USA, FVEY', 'SECRET//REL TO USA, GBR', true],
    ['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, FVEY', false],
    ['SECRET//REL TO USA, GBR', 'TOP SECRET//REL TO USA, GBR', true],
    ['TOP SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR', false],
    ['TOP SECRET//NOFORN', 'TOP SECRET//SI//NOFORN', true],
    ['TOP SECRET//SI//NOFORN', 'TOP SECRET//NOFORN', false],
    ['UNCLASSIFIED', 'SECRET//NOFORN', true],
    ['UNCLASSIFIED//NOFORN', 'UNCLASSIFIED', false],
    ['SECRET//REL TO USA, GBR', 'SECRET//DISPLAY ONLY GBR', true],
    ['SECRET//NOFORN', 'SECRET//DISPLAY ONLY IRQ', false],
    ['SECRET//REL TO USA, GBR', 'SECRET//REL TO GBR, USA', true],
    // Same viewers, but GBR would get a copy to keep: a release, not a narrowing.
    ['SECRET//DISPLAY ONLY GBR', 'SECRET//REL TO USA, GBR', false],
    ['SECRET//DISPLAY ONLY IRQ', 'SECRET//REL TO USA, IRQ', false],
  ];
  it.each(changes)('%s → %s narrows: %s', (from, to, expected) => {
    expect(isNarrowing(marked(from), marked(to))).toBe(expected);
    expect(dominates(marked(to), marked(from))).toBe(expected);
  });

  it('accounts for the originator', () => {
    expect(isNarrowing(marked('SECRET//NOFORN', 'GBR'), marked('SECRET//NOFORN'))).toBe(false);
    expect(isNarrowing(marked('SECRET//REL TO USA, GBR'), marked('SECRET//NOFORN', 'GBR'))).toBe(true);
  });
});

describe('widensChain', () => {
  // [an object's chain before (its own marking, then its report's), after, someone new may see it]
  const changes: [string[], string[], boolean][] = [
    [['SECRET//REL TO USA, GBR', 'SECRET//NOFORN'], ['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR'], true],
    [['SECRET//NOFORN', 'SECRET//NOFORN'], ['SECRET//NOFORN', 'SECRET//REL TO USA, GBR'], false],
    [['SECRET//REL TO USA, GBR', 'SECRET//NOFORN'], ['SECRET//REL TO USA, GBR, AUS', 'SECRET//NOFORN'], false],
    [['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR'], ['SECRET//REL TO USA, GBR', 'SECRET//NOFORN'], false],
    [['SECRET//REL TO USA, GBR', 'TOP SECRET//REL TO USA, GBR'], ['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR'], true],
    [['TOP SECRET//NOFORN', 'TOP SECRET//SI//NOFORN'], ['TOP SECRET//NOFORN', 'TOP SECRET//NOFORN'], true],
    // Same viewers; GBR may now keep a copy, but saw the history already.
    [['SECRET//REL TO USA, AUS//DISPLAY ONLY GBR'], ['SECRET//REL TO USA, AUS, GBR'], false],
    [['SECRET//NOFORN'], ['SECRET//DISPLAY ONLY IRQ'], true],
  ];
  it.each(changes)('%j → %j widens: %s', (before, after, expected) => {
    expect(widensChain(before.map((m) => marked(m)), after.map((m) => marked(m)), quad)).toBe(expected);
  });

  it('counts a chain no one may see as reaching no one', () => {
    expect(widensChain([marked('SECRET//NOFORN', 'GBR'), marked('SECRET//NOFORN')], [marked('SECRET//NOFORN', 'GBR'), marked('SECRET//REL TO USA, AUS')], quad)).toBe(false);
  });
});

describe('classificationRank', () => {
  it('orders the default levels and accepts codes and names in any case', () => {
    expect(['U', 'C', 'S', 'TS'].map((c) => classificationRank(c))).toEqual([0, 1, 2, 3]);
    expect(classificationRank('top secret')).toBe(3);
    expect(classificationRank('Confidential')).toBe(1);
    expect(() => classificationRank('RESTRICTED')).toThrow(MarkingError);
  });
});

describe('policies', () => {
  it('has every ISO 3166-1 alpha-3 code, FVEY, ACGU and the 32 NATO members', () => {
    expect(new Set(ISO_3166_ALPHA3).size).toBe(249);
    expect(ISO_3166_ALPHA3.every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(BUILT_IN_GROUPS.FVEY).toHaveLength(5);
    expect(BUILT_IN_GROUPS.ACGU).toEqual(['AUS', 'CAN', 'GBR', 'USA']);
    expect(new Set(BUILT_IN_GROUPS.NATO).size).toBe(32);
    expect(BUILT_IN_GROUPS.NATO).toEqual(expect.arrayContaining(['FIN', 'SWE', 'MKD', 'MNE', 'TUR']));
    expect([...BUILT_IN_GROUPS.NATO!, ...BUILT_IN_GROUPS.FVEY!].every((n) => defaultPolicy.nations.has(n))).toBe(true);
  });

  it('memoises workspace policies by group content', () => {
    const a = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
    const b = policyWithGroups({ quad: ['USA', 'JPN', 'IND', 'AUS', 'AUS'] });
    expect(b).toBe(a);
    expect(policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN'] })).not.toBe(a);
    expect(policyWithGroups({})).toBe(defaultPolicy);
  });

  it('lets a workspace group name built-in groups and other workspace groups', () => {
    const policy = policyWithGroups({ WIDE: ['QUAD', 'FVEY'], QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
    expect(policy.groups.WIDE).toEqual(['USA', 'AUS', 'CAN', 'GBR', 'IND', 'JPN', 'NZL']);
    expect(canSee(who('IND', 'SECRET'), parseMarking('SECRET//REL TO WIDE', policy), policy)).toBe(true);
  });

  it('rejects rules that name a level the policy lacks', () => {
    const compartments = [...defaultPolicySpec.compartments, { code: 'XX', titles: [], minLevel: 'RESTRICTED', noforn: false }];
    expect(() => createPolicy({ ...defaultPolicySpec, compartments })).toThrow('XX needs level RESTRICTED');
  });

  it('rejects groups that would make markings ambiguous', () => {
    expect(() => policyWithGroups({ GBR: ['USA'] })).toThrow('is a country code');
    expect(() => policyWithGroups({ FVEY: ['USA'] })).toThrow('built-in group');
    expect(() => policyWithGroups({ QUAD: ['AUS', 'XYZ'] })).toThrow('"XYZ" in group QUAD');
    expect(() => policyWithGroups({ EMPTY: [] })).toThrow('has no members');
    expect(() => policyWithGroups({ 'A B': ['USA'] })).toThrow('cannot name a group');
    expect(() => policyWithGroups({ ONE: ['TWO'], TWO: ['ONE'] })).toThrow(MarkingError);
  });
});

describe('canHoldCopy', () => {
  const m = (text: string) => parseMarking(text);
  const aus = { nation: 'AUS', clearance: 'SECRET', compartments: [] };
  it('DISPLAY ONLY nations may view but never hold a copy', () => {
    expect(canSee(aus, m('SECRET//DISPLAY ONLY AUS'))).toBe(true);
    expect(canHoldCopy(aus, m('SECRET//DISPLAY ONLY AUS'))).toBe(false);
    expect(canHoldCopy(aus, m('SECRET//REL TO USA, AUS'))).toBe(true);
    expect(canHoldCopy(aus, m('UNCLASSIFIED'))).toBe(true);
    expect(canHoldCopy(aus, m('TOP SECRET//REL TO USA, AUS'))).toBe(false);
    expect(canHoldCopy({ nation: 'USA', clearance: 'SECRET', compartments: [] }, m('SECRET//DISPLAY ONLY AUS'))).toBe(true);
  });
});
