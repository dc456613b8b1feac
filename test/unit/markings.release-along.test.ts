// releaseAlong: what a report paragraph's marking becomes when the report's release carries it
// along: the nations the report's release adds, added to the paragraph, nothing else changed.
import { describe, expect, it } from 'vitest';
import { formatBanner, MarkingError, isNarrowing, parseMarking, policyWithGroups, releaseAlong } from '../../shared/markings';

const policy = policyWithGroups({ PAC: ['AUS', 'JPN', 'KOR'] });
const m = (text: string, originator = 'USA') => ({ ...parseMarking(text, policy), originator });

// [report from, report to, paragraph, paragraph after (null: nothing to release)]
const cases: [string, string, string, string | null][] = [
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS, JPN', 'CONFIDENTIAL//REL TO USA, AUS', 'CONFIDENTIAL//REL TO USA, AUS, JPN'],
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS, JPN', 'SECRET//NOFORN', 'SECRET//REL TO USA, JPN'],
  // A paragraph AUS may not read stays hidden from AUS: only JPN is added.
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS, JPN', 'CONFIDENTIAL//REL TO USA, GBR', 'CONFIDENTIAL//REL TO USA, GBR, JPN'],
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS, JPN', 'SECRET//REL TO USA, JPN', null],
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS, JPN', 'UNCLASSIFIED', null],
  // Controls, compartments and level stay as they are.
  ['TOP SECRET//SI//REL TO USA, GBR', 'TOP SECRET//SI//REL TO USA, AUS, GBR', 'TOP SECRET//SI//ORCON/NOFORN', 'TOP SECRET//SI//ORCON/REL TO USA, AUS'],
  // Sight only is carried as sight only; a copy replaces sight only.
  ['SECRET//REL TO USA, AUS', 'SECRET//REL TO USA, AUS/DISPLAY ONLY JPN', 'SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR/DISPLAY ONLY JPN'],
  ['SECRET//DISPLAY ONLY JPN', 'SECRET//REL TO USA, JPN', 'SECRET//DISPLAY ONLY JPN', 'SECRET//REL TO USA, JPN'],
  // Groups are expanded to the nations they add.
  ['SECRET//NOFORN', 'SECRET//REL TO USA, FVEY', 'SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, AUS, CAN, GBR, NZL'],
  // A group in DISPLAY ONLY loses the member now given a copy, and keeps the others.
  ['SECRET//NOFORN', 'SECRET//REL TO USA, JPN', 'SECRET//DISPLAY ONLY PAC', 'SECRET//REL TO USA, JPN/DISPLAY ONLY AUS, KOR'],
];

describe('releaseAlong', () => {
  it.each(cases)('%s → %s carries %s to %s', (from, to, paragraph, expected) => {
    const result = releaseAlong(m(paragraph), m(from), m(to), policy);
    expect(result === null ? null : formatBanner(result, policy)).toBe(expected);
    // Whatever it proposes is a release of the paragraph (no reader lost), never a narrowing.
    if (result) expect(isNarrowing(m(paragraph), result, policy)).toBe(false);
    if (result) expect(isNarrowing(result, m(paragraph), policy)).toBe(true);
  });

  it('keeps the paragraph’s originator, whose FDOs decide its release', () => {
    const result = releaseAlong(m('SECRET//NOFORN', 'GBR'), m('SECRET//REL TO USA, GBR'), m('SECRET//REL TO USA, GBR, JPN'), policy);
    expect(result && [formatBanner(result, policy), result.originator]).toEqual(['SECRET//REL TO GBR, JPN', 'GBR']);
  });

  it('refuses to carry a release to HCS or KLONDIKE paragraphs, which are never released abroad', () => {
    const report = [m('TOP SECRET//NOFORN'), m('TOP SECRET//REL TO USA, GBR')] as const;
    expect(() => releaseAlong(m('TOP SECRET//HCS//NOFORN'), ...report, policy)).toThrow('HCS information is never released to other nations');
    expect(() => releaseAlong(m('SECRET//KDK//NOFORN'), ...report, policy)).toThrow('KDK information is never released to other nations');
  });

  it('refuses to carry a release to everyone: lowering a paragraph is a person’s call', () => {
    expect(() => releaseAlong(m('SECRET//NOFORN'), m('UNCLASSIFIED//REL TO USA, AUS'), m('UNCLASSIFIED'), policy)).toThrow(MarkingError);
  });
});
