// Golden table for marking text: what is accepted, its canonical banner and portion forms, and
// what is rejected with which token.
import { describe, expect, it } from 'vitest';
import { MarkingError, formatBanner, formatPortion, parseMarking, policyWithGroups } from '../../shared/markings';

const workspace = policyWithGroups({
  QUAD: ['AUS', 'IND', 'JPN', 'USA'],
  FIG: ['AUS', 'BEL', 'CAN', 'DNK', 'FRA', 'DEU', 'ITA', 'JPN', 'NLD', 'NZL', 'NOR', 'ESP', 'GBR', 'USA'],
});

// [typed, canonical banner, canonical portion]
const valid: [string, string, string][] = [
  ['UNCLASSIFIED', 'UNCLASSIFIED', '(U)'],
  ['U', 'UNCLASSIFIED', '(U)'],
  ['(U)', 'UNCLASSIFIED', '(U)'],
  ['unclassified', 'UNCLASSIFIED', '(U)'],
  ['CONFIDENTIAL', 'CONFIDENTIAL', '(C)'],
  ['(C)', 'CONFIDENTIAL', '(C)'],
  ['SECRET', 'SECRET', '(S)'],
  ['(S)', 'SECRET', '(S)'],
  ['TOP SECRET', 'TOP SECRET', '(TS)'],
  ['(TS)', 'TOP SECRET', '(TS)'],
  ['top secret', 'TOP SECRET', '(TS)'],
  ['Top  Secret', 'TOP SECRET', '(TS)'],
  ['  SECRET  ', 'SECRET', '(S)'],
  ['( S )', 'SECRET', '(S)'],
  ['SECRET//NOFORN', 'SECRET//NOFORN', '(S//NF)'],
  ['(S//NF)', 'SECRET//NOFORN', '(S//NF)'],
  ['S//NF', 'SECRET//NOFORN', '(S//NF)'],
  ['(SECRET//NOFORN)', 'SECRET//NOFORN', '(S//NF)'],
  ['secret//noforn', 'SECRET//NOFORN', '(S//NF)'],
  ['SECRET // NOFORN', 'SECRET//NOFORN', '(S//NF)'],
  ['SECRET/NOFORN', 'SECRET//NOFORN', '(S//NF)'],
  ['UNCLASSIFIED//NOFORN', 'UNCLASSIFIED//NOFORN', '(U//NF)'],
  ['TOP SECRET//SI//NOFORN', 'TOP SECRET//SI//NOFORN', '(TS//SI//NF)'],
  ['(TS//SI//NF)', 'TOP SECRET//SI//NOFORN', '(TS//SI//NF)'],
  ['ts//si/tk//nf', 'TOP SECRET//SI/TK//NOFORN', '(TS//SI/TK//NF)'],
  ['TS//TK/SI//NF', 'TOP SECRET//SI/TK//NOFORN', '(TS//SI/TK//NF)'],
  ['TS//SI/SI//NF', 'TOP SECRET//SI//NOFORN', '(TS//SI//NF)'],
  ['TS//HCS/KDK/RSV', 'TOP SECRET//HCS/KDK/RSV', '(TS//HCS/KDK/RSV)'],
  ['TS//SI//TK', 'TOP SECRET//SI/TK', '(TS//SI/TK)'],
  ['SECRET//REL TO USA, AUS, GBR', 'SECRET//REL TO USA, AUS, GBR', '(S//REL TO USA, AUS, GBR)'],
  ['(S//REL TO USA, GBR)', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['SECRET//REL TO GBR, USA, AUS', 'SECRET//REL TO USA, AUS, GBR', '(S//REL TO USA, AUS, GBR)'],
  ['SECRET//REL TO USA,GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['SECRET//REL TO USA , GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['SECRET//REL TO USA GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['secret//rel to usa, gbr', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['SECRET//REL  TO  USA,  GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['S//REL USA, GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['SECRET//REL TO USA, GBR, USA, GBR', 'SECRET//REL TO USA, GBR', '(S//REL TO USA, GBR)'],
  ['CONFIDENTIAL//REL TO USA, FVEY', 'CONFIDENTIAL//REL TO USA, FVEY', '(C//REL TO USA, FVEY)'],
  ['C//REL TO FVEY, USA', 'CONFIDENTIAL//REL TO USA, FVEY', '(C//REL TO USA, FVEY)'],
  ['S//REL TO NATO, FVEY, USA', 'SECRET//REL TO USA, FVEY, NATO', '(S//REL TO USA, FVEY, NATO)'],
  ['S//REL TO ACGU', 'SECRET//REL TO ACGU', '(S//REL TO ACGU)'],
  ['S//REL TO FVEY, GBR', 'SECRET//REL TO GBR, FVEY', '(S//REL TO GBR, FVEY)'],
  ['S//REL TO ZWE, ABW, USA', 'SECRET//REL TO USA, ABW, ZWE', '(S//REL TO USA, ABW, ZWE)'],
  ['S//REL TO USA, FIN, SWE', 'SECRET//REL TO USA, FIN, SWE', '(S//REL TO USA, FIN, SWE)'],
  ['S//REL TO GBR', 'SECRET//REL TO GBR', '(S//REL TO GBR)'],
  ['U//REL TO USA, GBR', 'UNCLASSIFIED//REL TO USA, GBR', '(U//REL TO USA, GBR)'],
  ['TS//SI//REL TO USA, FVEY', 'TOP SECRET//SI//REL TO USA, FVEY', '(TS//SI//REL TO USA, FVEY)'],
  ['SECRET//RELIDO', 'SECRET//RELIDO', '(S//RELIDO)'],
  ['SECRET//REL TO USA, GBR/RELIDO', 'SECRET//REL TO USA, GBR/RELIDO', '(S//REL TO USA, GBR/RELIDO)'],
  ['SECRET//REL TO USA, GBR//RELIDO', 'SECRET//REL TO USA, GBR/RELIDO', '(S//REL TO USA, GBR/RELIDO)'],
  ['SECRET//RELIDO/REL TO GBR, USA', 'SECRET//REL TO USA, GBR/RELIDO', '(S//REL TO USA, GBR/RELIDO)'],
  ['SECRET//ORCON', 'SECRET//ORCON', '(S//OC)'],
  ['(S//OC)', 'SECRET//ORCON', '(S//OC)'],
  ['SECRET//NOFORN/ORCON', 'SECRET//ORCON/NOFORN', '(S//OC/NF)'],
  ['(S//OC/NF)', 'SECRET//ORCON/NOFORN', '(S//OC/NF)'],
  ['TS//SI//OC/REL TO USA, GBR', 'TOP SECRET//SI//ORCON/REL TO USA, GBR', '(TS//SI//OC/REL TO USA, GBR)'],
  ['SECRET//DISPLAY ONLY IRQ', 'SECRET//DISPLAY ONLY IRQ', '(S//DISPLAY ONLY IRQ)'],
  ['S//display only irq, afg', 'SECRET//DISPLAY ONLY AFG, IRQ', '(S//DISPLAY ONLY AFG, IRQ)'],
  ['SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ', 'SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ', '(S//REL TO USA, GBR/DISPLAY ONLY IRQ)'],
  ['S//DISPLAY ONLY IRQ//REL TO GBR, USA', 'SECRET//REL TO USA, GBR/DISPLAY ONLY IRQ', '(S//REL TO USA, GBR/DISPLAY ONLY IRQ)'],
  [
    'S//OC/REL TO USA, GBR/RELIDO/DISPLAY ONLY IRQ',
    'SECRET//ORCON/REL TO USA, GBR/RELIDO/DISPLAY ONLY IRQ',
    '(S//OC/REL TO USA, GBR/RELIDO/DISPLAY ONLY IRQ)',
  ],
  ['S//REL TO USA, FVEY/DISPLAY ONLY KOR, JPN', 'SECRET//REL TO USA, FVEY/DISPLAY ONLY JPN, KOR', '(S//REL TO USA, FVEY/DISPLAY ONLY JPN, KOR)'],
];

// [typed, canonical banner] under a workspace policy with QUAD and FIG
const validInWorkspace: [string, string][] = [
  ['SECRET//REL TO USA, QUAD', 'SECRET//REL TO USA, QUAD'],
  ['S//REL TO QUAD, FVEY, USA', 'SECRET//REL TO USA, FVEY, QUAD'],
  ['S//REL TO FIG', 'SECRET//REL TO FIG'],
  ['S//REL TO FIG, KOR, USA, NATO', 'SECRET//REL TO USA, KOR, FIG, NATO'],
  ['S//REL TO USA, IND/RELIDO', 'SECRET//REL TO USA, IND/RELIDO'],
];

// [typed, offending token as typed, its position, part of the message]
const invalid: [string, string, number, string][] = [
  ['', '', 0, 'empty'],
  ['   ', '', 0, 'empty'],
  ['()', '()', 0, 'empty'],
  ['SECERT', 'SECERT', 0, '"SECERT" is not a classification'],
  ['TOP SECRT', 'TOP SECRT', 0, 'is not a classification'],
  ['RESTRICTED', 'RESTRICTED', 0, 'is not a classification'],
  ['NOFORN', 'NOFORN', 0, 'is not a classification'],
  ['(X//NF)', 'X', 1, 'is not a classification'],
  ['SECRET NOFORN', 'NOFORN', 7, 'Put "//" between the classification and "NOFORN"'],
  ['SECRET REL TO USA', 'REL', 7, 'Put "//"'],
  ['SECRET//REL TO USA, XYZ', 'XYZ', 20, '"XYZ" is not a country trigraph or group'],
  ['SECRET//REL TO USA, GB', 'GB', 20, '"GB" is not a country trigraph or group'],
  ['SECRET//REL TO USA, UK', 'UK', 20, '"UK" is not a country trigraph or group'],
  ['SECRET//REL TO USA, QUAD', 'QUAD', 20, '"QUAD" is not a country trigraph or group'],
  ['S//REL TO usa, xyz', 'xyz', 15, '"xyz" is not a country trigraph or group'],
  ['SECRET//REL TO USA, GBR RELIDO', 'RELIDO', 24, '"RELIDO" is not a country trigraph or group'],
  ['SECRET//NOFORN/REL TO USA, GBR', 'REL TO', 15, 'NOFORN cannot be combined with REL TO'],
  ['SECRET//REL TO USA, GBR/NOFORN', 'NOFORN', 24, 'NOFORN cannot be combined with REL TO'],
  ['(S//REL TO USA, GBR/NF)', 'NF', 20, 'NOFORN cannot be combined with REL TO'],
  ['SECRET//NOFORN/RELIDO', 'RELIDO', 15, 'NOFORN cannot be combined with RELIDO'],
  ['SECRET//NOFORN/DISPLAY ONLY IRQ', 'DISPLAY ONLY', 15, 'NOFORN cannot be combined with DISPLAY ONLY'],
  ['SECRET//NOFORN/NF', 'NF', 15, 'NOFORN appears twice'],
  ['SECRET//ORCON/OC', 'OC', 14, 'ORCON appears twice'],
  ['SECRET//REL TO USA//REL TO GBR', 'REL TO', 20, 'REL TO appears twice'],
  ['SECRET//RELIDO/RELIDO', 'RELIDO', 15, 'RELIDO appears twice'],
  ['SECRET//REL TO', 'REL TO', 8, 'REL TO needs at least one country or group'],
  ['SECRET//REL', 'REL', 8, 'REL TO needs at least one country or group'],
  ['SECRET//DISPLAY ONLY', 'DISPLAY ONLY', 8, 'DISPLAY ONLY needs at least one country'],
  ['SECRET//REL TO USA,,GBR', ',', 19, 'Empty entry'],
  ['SECRET//REL TO , USA', ',', 15, 'Empty entry'],
  ['SECRET//REL TO USA, GBR,', ',', 23, 'ends with a comma'],
  ['SECRET//FOO', 'FOO', 8, '"FOO" is not an SCI compartment or a dissemination control'],
  ['SECRET//FOUO', 'FOUO', 8, 'is not an SCI compartment or a dissemination control'],
  ['SECRET//RELTO USA', 'RELTO', 8, 'is not an SCI compartment or a dissemination control'],
  ['SECRET//GBR', 'GBR', 8, '"GBR" is a country or group: put it in a REL TO list'],
  ['SECRET//FVEY', 'FVEY', 8, 'is a country or group'],
  ['SECRET//NOFORN ORCON', 'ORCON', 15, '"ORCON" cannot follow NOFORN'],
  ['TS//SI TK', 'TK', 7, '"TK" cannot follow SI'],
  ['UNCLASSIFIED//SI', 'SI', 14, 'SCI compartment SI cannot be used on UNCLASSIFIED'],
  ['(U//TK)', 'TK', 4, 'cannot be used on UNCLASSIFIED'],
  ['SECRET//REL TO FVEY/DISPLAY ONLY GBR', 'GBR', 33, 'GBR is already in REL TO'],
  ['SECRET//REL TO USA, GBR/DISPLAY ONLY FVEY', 'FVEY', 37, 'FVEY (USA, GBR) is already in REL TO'],
  ['S//REL TO USA, FVEY/DISPLAY ONLY NATO', 'NATO', 33, 'NATO (USA, CAN, GBR) is already in REL TO'],
  ['(S//NF', '(', 0, 'opens "(" but never closes'],
  ['S//NF)', ')', 5, 'closes ")" that was never opened'],
  ['(S)//NF', '//NF', 3, 'Nothing may follow the closing ")"'],
  ['SECRET///NOFORN', '///', 6, 'not "///"'],
  ['SECRET//', '//', 6, 'Nothing follows the last "//"'],
  ['SECRET//NOFORN/', '/', 14, 'Nothing follows the last "/"'],
  ['//SECRET', '//', 0, 'must start with a classification'],
  ['SECRET// //NOFORN', '//', 9, 'Nothing between two separators'],
  ['SECRET//NOFORN;', 'NOFORN;', 8, 'is not an SCI compartment or a dissemination control'],
];

describe('parseMarking: valid and canonicalised markings', () => {
  it.each(valid)('%j → %s, %s', (typed, banner, portion) => {
    const m = parseMarking(typed);
    expect(formatBanner(m)).toBe(banner);
    expect(formatPortion(m)).toBe(portion);
    expect(parseMarking(banner)).toEqual(m);
    expect(parseMarking(portion)).toEqual(m);
  });

  it.each(validInWorkspace)('with workspace groups: %j → %s', (typed, banner) => {
    const m = parseMarking(typed, workspace);
    expect(formatBanner(m, workspace)).toBe(banner);
    expect(parseMarking(banner, workspace)).toEqual(m);
  });

  it('yields plain data: sorted compartments, lists as written in canonical order, no originator', () => {
    expect(parseMarking('(TS//TK/SI//OC/REL TO FVEY, GBR, USA/RELIDO)')).toStrictEqual({
      classification: 'TS',
      compartments: ['SI', 'TK'],
      noforn: false,
      relTo: ['USA', 'GBR', 'FVEY'],
      relido: true,
      orcon: true,
      displayOnly: [],
    });
  });

  it('returns a fresh object each time, so changing one result changes no other', () => {
    const first = parseMarking('SECRET//REL TO USA, GBR');
    first.relTo.push('JPN');
    first.compartments.push('SI');
    first.originator = 'GBR';
    expect(parseMarking('SECRET//REL TO USA, GBR')).toStrictEqual({
      classification: 'S',
      compartments: [],
      noforn: false,
      relTo: ['USA', 'GBR'],
      relido: false,
      orcon: false,
      displayOnly: [],
    });
  });
});

describe('parseMarking: rejected markings', () => {
  it.each(invalid)('%j → token %j at %i', (typed, token, position, message) => {
    let error: unknown;
    try {
      parseMarking(typed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MarkingError);
    const e = error as MarkingError;
    expect(e.code).toBe('bad_marking');
    expect(e.token).toBe(token);
    expect(e.position).toBe(position);
    expect(typed.slice(position, position + token.length)).toBe(token);
    expect(e.message).toContain(message);
  });
});

it('has at least 80 golden cases', () => {
  expect(valid.length + validInWorkspace.length + invalid.length).toBeGreaterThanOrEqual(80);
});
