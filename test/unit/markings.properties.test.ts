// Property tests: text round trip, spelling variants, roll-up never widens and always yields a
// marking the parser accepts, and canSee agreeing with releasableNations and accessLevelKey.
// Generators make only markings the policy's CAPCO rules accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MarkingError,
  accessLevelKey,
  canHoldCopy,
  canSee,
  classificationRank,
  dominates,
  formatBanner,
  formatPortion,
  isNarrowing,
  parseMarking,
  participantFromLevelKey,
  policyWithGroups,
  releasableNations,
  rollUp,
  widensChain,
} from '../../shared/markings';
import type { Marking, Participant } from '../../shared/markings';

const policy = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
const NATIONS = ['USA', 'GBR', 'AUS', 'CAN', 'NZL', 'JPN', 'KOR', 'IND', 'DEU', 'FRA', 'POL', 'FIN', 'IRQ', 'PRK'];
const GROUPS = ['FVEY', 'ACGU', 'NATO', 'QUAD'];
const LEVELS = [
  ['U', 'UNCLASSIFIED'],
  ['C', 'CONFIDENTIAL'],
  ['S', 'SECRET'],
  ['TS', 'TOP SECRET'],
] as const;
const COMPARTMENTS = ['HCS', 'KDK', 'RSV-ABC', 'SI', 'TK'];
/** Lowest level rank of each compartment (ISM-ID-00043, 00047, 00048, 00122, 00242). */
const LOWEST: Record<string, number> = { HCS: 1, KDK: 2, 'RSV-ABC': 2, SI: 1, TK: 2 };
/** Compartments whose information is always NOFORN (ISM-ID-00049, 00123). */
const NOFORN_ONLY = ['HCS', 'KDK'];
/** Register titles a person may type for a compartment or control. */
const TITLES: Record<string, string[]> = {
  HCS: ['HCS', 'HUMINT CONTROL SYSTEM'],
  KDK: ['KDK', 'KLONDIKE'],
  'RSV-ABC': ['RSV-ABC', 'RESERVE-ABC'],
  SI: ['SI', 'SPECIAL INTELLIGENCE'],
  TK: ['TK', 'TALENT KEYHOLE'],
};

const expand = (names: string[]): Set<string> => new Set(names.flatMap((n) => policy.groups[n] ?? [n]));
const canonical = (names: string[]): string[] => [...new Set(names)].sort(policy.compareNames);
/** REL TO as the parser writes it: USA spelt out when a group reaches it (ISM-ID-00214). */
const canonicalRelTo = (names: string[]): string[] => canonical(expand(names).has('USA') ? ['USA', ...names] : names);
/** A REL TO list reaches two nations or more (ISM-ID-00319). */
const reachingTwo = (names: string[]): string[] => (expand(names).size >= 2 ? names : [...names, names.includes('USA') ? 'GBR' : 'USA']);

const names = fc.subarray([...NATIONS, ...GROUPS], { minLength: 1, maxLength: 5 });
const NOFORN = { noforn: true, relTo: [] as string[], relido: false, displayOnly: [] as string[] };
const release = fc.oneof(
  fc.constant({ noforn: false, relTo: [] as string[], relido: false, displayOnly: [] as string[] }),
  fc.constant(NOFORN),
  fc.record({ noforn: fc.constant(false), relTo: names.map(reachingTwo), relido: fc.boolean(), displayOnly: fc.option(names, { nil: undefined }) }).map((r) => {
    const released = expand(r.relTo);
    // RELIDO and DISPLAY ONLY are mutually exclusive (ISM-ID-00169).
    const displayOnly = r.relido ? [] : (r.displayOnly ?? []).filter((n) => ![...expand([n])].some((x) => released.has(x)));
    return { ...r, relTo: canonicalRelTo(r.relTo), displayOnly: canonical(displayOnly) };
  }),
  fc.record({ noforn: fc.constant(false), relTo: fc.constant([] as string[]), relido: fc.constant(false), displayOnly: names.map(canonical) }),
  fc.constant({ noforn: false, relTo: [] as string[], relido: true, displayOnly: [] as string[] }),
);

/** A valid marking in canonical form, without originator (the text form has none). */
const marking: fc.Arbitrary<Marking> = fc
  .record({ level: fc.integer({ min: 0, max: 3 }), compartments: fc.subarray(COMPARTMENTS), orcon: fc.boolean(), release })
  .map(({ level, compartments, orcon, release: r }) => {
    const held = compartments.filter((c) => LOWEST[c]! <= level);
    const explicit = r.noforn || r.relido || r.relTo.length > 0 || r.displayOnly.length > 0;
    // HCS and KDK are NOFORN; other SCI needs some foreign-release marking.
    const chosen = held.some((c) => NOFORN_ONLY.includes(c)) || (held.length > 0 && !explicit) ? NOFORN : r;
    return {
      classification: LEVELS[level]![0],
      compartments: held,
      noforn: chosen.noforn,
      relTo: chosen.relTo,
      relido: chosen.relido,
      // ORCON marks classified information only (ISM-ID-00028).
      orcon: orcon && level > 0,
      displayOnly: chosen.displayOnly,
    };
  });

const originated: fc.Arbitrary<Marking> = fc
  .tuple(marking, fc.constantFrom(undefined, 'USA', 'GBR', 'AUS', 'JPN'))
  .map(([m, originator]) => (originator ? { ...m, originator } : m));

const participant: fc.Arbitrary<Participant> = fc.record({
  nation: fc.constantFrom(...NATIONS),
  clearance: fc.constantFrom(...LEVELS.flat()),
  compartments: fc.subarray(COMPARTMENTS),
});

/** The same participant as typed differently: case, clearance name or code, order, duplicates, unknown compartments. */
const respelled = (p: Participant): fc.Arbitrary<Participant> =>
  fc
    .record({ lower: fc.boolean(), code: fc.boolean(), shuffle: fc.boolean(), extra: fc.subarray(['XX', 'RSV', 'si', 'Tk', 'rsv-abc']) })
    .map(({ lower, code, shuffle, extra }) => {
      const level = LEVELS.find((l) => (l as readonly string[]).includes(p.clearance))!;
      const clearance = code ? level[0] : level[1];
      // XX and RSV alone are no compartment any marking requires.
      const never = ['XX', 'RSV'];
      const compartments = [...p.compartments, ...extra.filter((c) => never.includes(c) || p.compartments.includes(c.toUpperCase()))];
      return {
        nation: lower ? p.nation.toLowerCase() : p.nation,
        clearance: lower ? clearance.toLowerCase() : clearance,
        compartments: shuffle ? compartments.reverse() : compartments,
      };
    });

const wordsOf = (text: string): fc.Arbitrary<string> =>
  fc.record({ lower: fc.boolean(), space: fc.constantFrom(' ', '  ') }).map(({ lower, space }) => {
    const spaced = text.split(' ').join(space);
    return lower ? spaced.toLowerCase() : spaced;
  });

/** The marking as a person might type it: abbreviations or not, any case, spacing, list order and duplicates. */
const typed = (m: Marking): fc.Arbitrary<string> => {
  const level = LEVELS.find(([code]) => code === m.classification)!;
  const list = (items: string[]) =>
    fc
      .tuple(fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }), fc.subarray(items), fc.constantFrom(', ', ',', ' , ', ' '))
      .chain(([order, repeated, comma]) => wordsOf([...order, ...repeated].join(comma).replaceAll(' ', '\u0000')).map((s) => s.replaceAll('\u0000', ' ')));
  const controls: fc.Arbitrary<string>[] = [];
  if (m.orcon) controls.push(fc.constantFrom('ORCON', 'OC', 'ORIGINATOR CONTROLLED').chain(wordsOf));
  if (m.noforn) controls.push(fc.constantFrom('NOFORN', 'NF', 'NOT RELEASABLE TO FOREIGN NATIONALS').chain(wordsOf));
  if (m.relTo.length > 0) {
    // USA may be left to a group that reaches it: the parser writes it out again.
    const relTo = expand(m.relTo.filter((n) => n !== 'USA')).has('USA') ? fc.constantFrom(m.relTo, m.relTo.filter((n) => n !== 'USA')) : fc.constant(m.relTo);
    const spelling = fc.constantFrom('REL TO', 'REL', 'AUTHORIZED FOR RELEASE TO').chain(wordsOf);
    controls.push(fc.tuple(spelling, relTo.chain(list)).map(([k, l]) => `${k} ${l}`));
  }
  if (m.relido) controls.push(fc.constantFrom('RELIDO', 'RELEASABLE BY INFORMATION DISCLOSURE OFFICIAL').chain(wordsOf));
  if (m.displayOnly.length > 0) {
    const spelling = fc.constantFrom('DISPLAY ONLY', 'AUTHORIZED FOR DISPLAY BUT NOT RELEASE TO').chain(wordsOf);
    controls.push(fc.tuple(spelling, list(m.displayOnly)).map(([k, l]) => `${k} ${l}`));
  }
  const compartments = m.compartments.map((c) => fc.constantFrom(...TITLES[c]!).chain(wordsOf));
  return fc
    .record({
      level: fc.constantFrom(...level).chain(wordsOf),
      compartments: fc.tuple(...compartments).chain((cs) => fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })),
      controls: fc.tuple(...controls).chain((cs) => fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })),
      separator: fc.constantFrom('//', ' // ', '/'),
      within: fc.constantFrom('/', ' / '),
      parens: fc.boolean(),
    })
    .map(({ level: l, compartments, controls: cs, separator, within, parens }) => {
      const segments = [l, compartments.join(within), cs.join(within)].filter((s) => s !== '');
      const text = segments.join(separator);
      return parens ? `(${text})` : text;
    });
};

const strip = ({ originator: _, ...m }: Marking): Marking => m;

const rankOf = (clearance: string): number => classificationRank(clearance, policy);

/** A participant who may see `m`: a nation it reaches, cleared to its level, holding its compartments and maybe more. */
const seeing = (m: Marking): fc.Arbitrary<Participant> =>
  fc.record({
    nation: fc.constantFrom(...releasableNations(m, policy)),
    clearance: fc.constantFrom(...LEVELS.flat().filter((c) => rankOf(c) >= rankOf(m.classification))),
    compartments: fc.subarray(COMPARTMENTS).map((extra) => [...new Set([...m.compartments, ...extra])]),
  });

/** A participant who may not see `m`: cleared too low, from a nation it does not reach, or short of a compartment. */
const refused = (m: Marking): fc.Arbitrary<Participant> => {
  const reached = new Set(releasableNations(m, policy));
  const outsiders = NATIONS.filter((n) => !reached.has(n));
  const below = LEVELS.flat().filter((c) => rankOf(c) < rankOf(m.classification));
  const ways: fc.Arbitrary<Participant>[] = [];
  if (below.length > 0) ways.push(fc.record({ nation: fc.constantFrom(...NATIONS), clearance: fc.constantFrom(...below), compartments: fc.subarray(COMPARTMENTS) }));
  if (outsiders.length > 0) ways.push(fc.record({ nation: fc.constantFrom(...outsiders), clearance: fc.constantFrom(...LEVELS.flat()), compartments: fc.subarray(COMPARTMENTS) }));
  if (m.compartments.length > 0) {
    const short = fc.tuple(fc.constantFrom(...m.compartments), fc.subarray(COMPARTMENTS)).map(([missing, held]) => held.filter((c) => c !== missing));
    ways.push(fc.record({ nation: fc.constantFrom(...NATIONS), clearance: fc.constantFrom(...LEVELS.flat()), compartments: short }));
  }
  return fc.oneof(...ways);
};

/** A marking someone may be refused: classified, so a clearance can fall short whatever else it says. */
const classified = originated.map((m) => (m.classification === 'U' ? { ...m, classification: 'C' } : m));

/**
 * A re-mark that is a narrowing: `to` rolls `from` up with other portions of the same originator,
 * and a roll-up never widens. With no other portion, `to` is `from` again.
 */
const narrowing: fc.Arbitrary<[Marking, Marking]> = fc
  .tuple(originated, fc.array(marking, { maxLength: 3 }))
  .map(([from, others]) => [from, rollUp([from, ...others.map((m) => ({ ...m, originator: from.originator }))], policy)]);

describe('markings properties', () => {
  it('format → parse round-trips every valid marking, banner and portion form', () => {
    fc.assert(
      fc.property(marking, (m) => {
        expect(parseMarking(formatBanner(m, policy), policy)).toStrictEqual(m);
        expect(parseMarking(formatPortion(m, policy), policy)).toStrictEqual(m);
      }),
      { numRuns: 500 },
    );
  });

  it('every way of typing a marking parses to the same canonical marking', () => {
    fc.assert(
      fc.property(
        marking.chain((m) => fc.tuple(fc.constant(m), typed(m))),
        ([m, text]) => {
          expect(parseMarking(text, policy)).toStrictEqual(m);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rollUp never widens: whoever can see the roll-up (or keep a copy) can see (keep) every portion', () => {
    fc.assert(
      fc.property(fc.array(originated, { minLength: 1, maxLength: 5 }), fc.array(participant, { minLength: 1, maxLength: 8 }), (ms, ps) => {
        let banner: Marking;
        try {
          banner = rollUp(ms, policy);
        } catch (e) {
          expect(e).toBeInstanceOf(MarkingError);
          // Thrown only when no nation may see every portion, or none may keep a copy of every one.
          const common = ms.map((m) => new Set(releasableNations(m, policy))).reduce((a, b) => new Set([...a].filter((n) => b.has(n))));
          const cleared = (nation: string) => ({ nation, clearance: 'TS', compartments: COMPARTMENTS });
          const keepers = [...common].filter((n) => ms.every((m) => canHoldCopy(cleared(n), m, policy)));
          expect(keepers).toEqual([]);
          return;
        }
        for (const m of ms) expect(dominates(banner, m, policy)).toBe(true);
        for (const p of ps) if (canSee(p, banner, policy)) for (const m of ms) expect(canSee(p, m, policy)).toBe(true);
        for (const p of ps) if (canHoldCopy(p, banner, policy)) for (const m of ms) expect(canHoldCopy(p, m, policy)).toBe(true);
        expect(parseMarking(formatBanner(banner, policy), policy)).toStrictEqual(strip(banner));
      }),
      { numRuns: 500 },
    );
  });

  it('rollUp output re-parses: the banner is a marking the parser accepts, in canonical form', () => {
    fc.assert(
      fc.property(fc.array(originated, { minLength: 1, maxLength: 5 }), (ms) => {
        let banner: Marking;
        try {
          banner = rollUp(ms, policy);
        } catch (e) {
          expect(e).toBeInstanceOf(MarkingError);
          return;
        }
        expect(parseMarking(formatBanner(banner, policy), policy)).toStrictEqual(strip(banner));
        expect(parseMarking(formatPortion(banner, policy), policy)).toStrictEqual(strip(banner));
      }),
      { numRuns: 1000 },
    );
  });

  it('canSee agrees with releasableNations, clearance and compartments', () => {
    fc.assert(
      fc.property(originated, participant, (m, p) => {
        const cleared = classificationRank(p.clearance, policy) >= classificationRank(m.classification, policy);
        const holds = m.compartments.every((c) => p.compartments.includes(c));
        const released = releasableNations(m, policy).includes(p.nation);
        expect(canSee(p, m, policy)).toBe(cleared && holds && released);
      }),
      { numRuns: 1000 },
    );
  });

  it('equal access level keys give equal answers, and the key stands for the participant', () => {
    fc.assert(
      fc.property(
        participant.chain((p) => fc.tuple(fc.constant(p), respelled(p))),
        fc.array(originated, { minLength: 1, maxLength: 10 }),
        ([p, q], ms) => {
          const key = accessLevelKey(p, policy);
          expect(accessLevelKey(q, policy)).toBe(key);
          const fromKey = participantFromLevelKey(key);
          for (const m of ms) {
            expect(canSee(q, m, policy)).toBe(canSee(p, m, policy));
            expect(canSee(fromKey, m, policy)).toBe(canSee(p, m, policy));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('different answers mean different keys: one who may see a marking never shares a key with one who may not', () => {
    let reached = 0;
    fc.assert(
      fc.property(
        classified.chain((m) => fc.tuple(fc.constant(m), seeing(m), refused(m))),
        ([m, p, q]) => {
          expect([canSee(p, m, policy), canSee(q, m, policy)]).toEqual([true, false]);
          expect(accessLevelKey(p, policy)).not.toBe(accessLevelKey(q, policy));
          reached++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(reached).toBe(1000);
  });

  it('widensChain: someone may see the object after one marking of its chain changes who could not before, exactly', () => {
    const nations = [...new Set([...NATIONS, ...GROUPS.flatMap((group) => policy.groups[group] ?? [])])];
    const compartmentSets = [[], ...COMPARTMENTS.map((c) => [c]), ...COMPARTMENTS.map((c, i) => COMPARTMENTS.filter((_, j) => j !== i)), COMPARTMENTS];
    const everyone = nations.flatMap((nation) => LEVELS.flatMap(([clearance]) => compartmentSets.map((compartments) => ({ nation, clearance, compartments }))));
    const sees = (p: Participant, chain: Marking[]) => chain.every((m) => canSee(p, m, policy));
    fc.assert(
      fc.property(fc.array(originated, { minLength: 1, maxLength: 3 }), fc.nat(), originated, (before, at, remarked) => {
        const after = before.with(at % before.length, remarked);
        const gains = everyone.some((p) => sees(p, after) && !sees(p, before));
        expect(widensChain(before, after, policy)).toBe(gains);
      }),
      { numRuns: 300 },
    );
  });

  it('isNarrowing means no one gains access or a copy', () => {
    let reached = 0;
    fc.assert(
      fc.property(
        narrowing.chain(([from, to]) => fc.tuple(fc.constant(from), fc.constant(to), seeing(to), fc.array(participant, { maxLength: 9 }))),
        ([from, to, reader, others]) => {
          expect(isNarrowing(from, to, policy)).toBe(true);
          // A reader of `to` is always among them: the implication is exercised every run.
          for (const p of [reader, ...others]) if (canSee(p, to, policy)) expect(canSee(p, from, policy)).toBe(true);
          // The originator always holds a copy of both: likewise for copies.
          const holder = { nation: to.originator ?? policy.leadNation, clearance: 'TS', compartments: COMPARTMENTS };
          for (const p of [holder, reader, ...others]) if (canHoldCopy(p, to, policy)) expect(canHoldCopy(p, from, policy)).toBe(true);
          reached++;
        },
      ),
      { numRuns: 1000 },
    );
    expect(reached).toBe(1000);
  });
});
