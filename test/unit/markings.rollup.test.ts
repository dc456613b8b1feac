// Roll-up: the banner over several portions, by the rules of DESIGN.md ("Markings").
import { describe, expect, it } from 'vitest';
import { MarkingError, formatBanner, parseMarking, policyWithGroups, rollUp } from '../../shared/markings';
import type { Marking } from '../../shared/markings';

const fig = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
const portion = (text: string, originator?: string): Marking => ({ ...parseMarking(text, fig), ...(originator ? { originator } : {}) });
const banner = (...portions: Marking[]): string => formatBanner(rollUp(portions, fig), fig);

// [portions, banner]
const cases: [string[], string][] = [
  // The examples of DESIGN.md.
  [['(S//REL TO USA, AUS, GBR)', '(C//REL TO USA, FVEY)'], 'SECRET//REL TO USA, AUS, GBR'],
  [['(S//REL TO USA, GBR)', '(S//REL TO USA, JPN)'], 'SECRET//NOFORN'],
  [['(TS//SI//REL TO USA, FVEY)', '(S//NF)'], 'TOP SECRET//SI//NOFORN'],
  // Highest classification, union of compartments.
  [['(U)', '(C//REL TO USA, GBR)', '(S//REL TO USA, GBR)'], 'SECRET//REL TO USA, GBR'],
  [['(TS//SI//NF)', '(TS//TK//NF)'], 'TOP SECRET//SI/TK//NOFORN'],
  // Unclassified portions without controls constrain nothing.
  [['(U)', '(U)'], 'UNCLASSIFIED'],
  [['(U)', '(U//NF)'], 'UNCLASSIFIED//NOFORN'],
  [['(U)', '(S//REL TO USA, FVEY)'], 'SECRET//REL TO USA, FVEY'],
  // A classified portion with no release marking is NOFORN.
  [['(S)', '(U)'], 'SECRET//NOFORN'],
  [['(S)', '(S//REL TO USA, GBR)'], 'SECRET//NOFORN'],
  // Groups are expanded before intersecting, and written back when whole.
  [['(S//REL TO USA, FVEY)', '(C//REL TO USA, FVEY)'], 'SECRET//REL TO USA, FVEY'],
  [['(S//REL TO USA, FVEY)', '(S//REL TO USA, NATO)'], 'SECRET//REL TO USA, CAN, GBR'],
  [['(S//REL TO USA, FVEY)', '(S//REL TO USA, ACGU)'], 'SECRET//REL TO USA, ACGU'],
  [['(S//REL TO USA, QUAD)', '(S//REL TO USA, FVEY)'], 'SECRET//REL TO USA, AUS'],
  [['(S//REL TO USA, QUAD)', '(S//REL TO USA, NATO)'], 'SECRET//NOFORN'],
  // REL TO mixed with RELIDO gives NOFORN; RELIDO stays only when every portion has it.
  [['(S//REL TO USA, GBR)', '(S//RELIDO)'], 'SECRET//NOFORN'],
  [['(S//RELIDO)', '(C//RELIDO)'], 'SECRET//RELIDO'],
  [['(S//REL TO USA, GBR/RELIDO)', '(S//REL TO USA, FVEY/RELIDO)'], 'SECRET//REL TO USA, GBR/RELIDO'],
  [['(S//REL TO USA, GBR/RELIDO)', '(S//REL TO USA, GBR)'], 'SECRET//REL TO USA, GBR'],
  // ORCON if any portion has it.
  [['(S//OC/REL TO USA, GBR)', '(S//REL TO USA, FVEY)'], 'SECRET//ORCON/REL TO USA, GBR'],
  [['(S//OC/NF)', '(U)'], 'SECRET//ORCON/NOFORN'],
  // DISPLAY ONLY: nations that may see every portion without holding all of them.
  [['(S//REL TO USA, GBR/DISPLAY ONLY IRQ)', '(S//REL TO USA, GBR, IRQ)'], 'SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ'],
  [['(S//REL TO USA, GBR/DISPLAY ONLY IRQ)', '(S//REL TO USA, GBR)'], 'SECRET//REL TO USA, GBR'],
  [['(S//DISPLAY ONLY IRQ)', '(S//REL TO USA, IRQ)'], 'SECRET//DISPLAY ONLY IRQ'],
  // One portion rolls up to itself.
  [['(TS//SI/TK//OC/REL TO USA, FVEY/DISPLAY ONLY JPN)'], 'TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY/DISPLAY ONLY JPN'],
  [['(TS//SI/TK//OC/REL TO USA, FVEY/RELIDO)'], 'TOP SECRET//SI/TK//ORCON/REL TO USA, FVEY/RELIDO'],
  // REL TO starts with USA, also when the portions reach it through a group (ISM-ID-00214).
  [['(S//REL TO FVEY)', '(C//REL TO ACGU)'], 'SECRET//REL TO USA, ACGU'],
  // SCI keeps a foreign-release marking; HCS and KDK stay NOFORN; RSV compartments add up.
  [['(TS//SI//REL TO USA, GBR)', '(S//REL TO USA, JPN)'], 'TOP SECRET//SI//NOFORN'],
  [['(TS//SI//RELIDO)', '(S//RELIDO)'], 'TOP SECRET//SI//RELIDO'],
  [['(TS//HCS//NF)', '(S//REL TO USA, GBR)'], 'TOP SECRET//HCS//NOFORN'],
  [['(TS//RSV-ABC//NF)', '(S//RSV-XYZ/TK//NF)'], 'TOP SECRET//RSV-ABC/RSV-XYZ/TK//NOFORN'],
];

describe('rollUp', () => {
  it.each(cases)('%j → %s', (texts, expected) => {
    expect(banner(...texts.map((t) => portion(t)))).toBe(expected);
  });

  it('of nothing is UNCLASSIFIED', () => {
    expect(formatBanner(rollUp([]))).toBe('UNCLASSIFIED');
    expect(rollUp([]).noforn).toBe(false);
  });

  it('keeps a non-US originator, who always sees the banner', () => {
    const result = rollUp([portion('(S//REL TO USA, GBR)', 'GBR'), portion('(S//NF)', 'GBR')]);
    expect(formatBanner(result)).toBe('SECRET//NOFORN');
    expect(result.originator).toBe('GBR');
  });

  it('names the originator in REL TO rather than write REL TO USA alone (ISM-ID-00319)', () => {
    const result = rollUp([portion('(S//REL TO USA, GBR)', 'GBR'), portion('(S//REL TO USA, AUS)', 'GBR')]);
    expect(result.originator).toBe('GBR');
    expect(formatBanner(result)).toBe('SECRET//REL TO USA, GBR');
  });

  it('with mixed originators, picks one that may hold every portion', () => {
    const result = rollUp([portion('(S//REL TO USA, AUS)', 'GBR'), portion('(S//REL TO USA, GBR)')]);
    expect(result.originator).toBeUndefined();
    expect(formatBanner(result)).toBe('SECRET//REL TO USA, GBR');
    const display = rollUp([portion('(S//DISPLAY ONLY USA)', 'GBR'), portion('(S//REL TO USA, GBR)')]);
    expect(display.originator).toBe('GBR');
    expect(formatBanner(display)).toBe('SECRET//DISPLAY ONLY USA');
  });

  it('refuses portions no single nation may see', () => {
    expect(() => rollUp([portion('(S//NF)', 'GBR'), portion('(S//NF)')])).toThrow(MarkingError);
  });

  it('yields a marking that parses back to itself', () => {
    for (const [texts] of cases) {
      const result = rollUp(texts.map((t) => portion(t)), fig);
      expect(parseMarking(formatBanner(result, fig), fig)).toEqual(result);
    }
  });
});
