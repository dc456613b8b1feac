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
  ['TS//HCS/KDK/RSV-ABC//NF', 'TOP SECRET//HCS/KDK/RSV-ABC//NOFORN', '(TS//HCS/KDK/RSV-ABC//NF)'],
  ['TS//SI//TK//REL TO USA, GBR', 'TOP SECRET//SI/TK//REL TO USA, GBR', '(TS//SI/TK//REL TO USA, GBR)'],
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
  ['S//REL TO ACGU', 'SECRET//REL TO USA, ACGU', '(S//REL TO USA, ACGU)'],
  ['S//REL TO FVEY, GBR', 'SECRET//REL TO USA, GBR, FVEY', '(S//REL TO USA, GBR, FVEY)'],
  ['S//REL TO ZWE, ABW, USA', 'SECRET//REL TO USA, ABW, ZWE', '(S//REL TO USA, ABW, ZWE)'],
  ['S//REL TO USA, FIN, SWE', 'SECRET//REL TO USA, FIN, SWE', '(S//REL TO USA, FIN, SWE)'],
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
  ['S//OC/REL TO USA, GBR/RELIDO', 'SECRET//ORCON/REL TO USA, GBR/RELIDO', '(S//OC/REL TO USA, GBR/RELIDO)'],
  ['S//REL TO USA, FVEY/DISPLAY ONLY KOR, JPN', 'SECRET//REL TO USA, FVEY/DISPLAY ONLY JPN, KOR', '(S//REL TO USA, FVEY/DISPLAY ONLY JPN, KOR)'],
  // CAPCO / IC-ISM rules (docs/markings.md, "Rules"): what each still accepts.
  // HCS and KDK with NOFORN (ISM-ID-00049, 00123), from CONFIDENTIAL and SECRET up (00048, 00122).
  ['TOP SECRET//HCS//NOFORN', 'TOP SECRET//HCS//NOFORN', '(TS//HCS//NF)'],
  ['(C//HCS//NF)', 'CONFIDENTIAL//HCS//NOFORN', '(C//HCS//NF)'],
  ['S//KDK//NF', 'SECRET//KDK//NOFORN', '(S//KDK//NF)'],
  ['TS//HCS/SI/TK//OC/NF', 'TOP SECRET//HCS/SI/TK//ORCON/NOFORN', '(TS//HCS/SI/TK//OC/NF)'],
  // SCI with any explicit foreign-release marking.
  ['TS//SI//RELIDO', 'TOP SECRET//SI//RELIDO', '(TS//SI//RELIDO)'],
  ['S//TK//DISPLAY ONLY IRQ', 'SECRET//TK//DISPLAY ONLY IRQ', '(S//TK//DISPLAY ONLY IRQ)'],
  ['C//SI//REL TO USA, GBR', 'CONFIDENTIAL//SI//REL TO USA, GBR', '(C//SI//REL TO USA, GBR)'],
  // TK and RSV from SECRET up (ISM-ID-00047, 00242); RSV with a compartment (00243).
  ['S//TK//NF', 'SECRET//TK//NOFORN', '(S//TK//NF)'],
  ['ts//rsv-abc//nf', 'TOP SECRET//RSV-ABC//NOFORN', '(TS//RSV-ABC//NF)'],
  ['S//RSV-X1Z/RSV-ABC//REL TO USA, GBR', 'SECRET//RSV-ABC/RSV-X1Z//REL TO USA, GBR', '(S//RSV-ABC/RSV-X1Z//REL TO USA, GBR)'],
  // ORCON from CONFIDENTIAL up (ISM-ID-00028).
  ['CONFIDENTIAL//ORCON/NOFORN', 'CONFIDENTIAL//ORCON/NOFORN', '(C//OC/NF)'],
  // REL TO names USA first, also when a group reaches it (ISM-ID-00214), and another country (00319).
  ['S//REL TO FVEY', 'SECRET//REL TO USA, FVEY', '(S//REL TO USA, FVEY)'],
  ['S//REL NATO', 'SECRET//REL TO USA, NATO', '(S//REL TO USA, NATO)'],
  ['S//REL TO USA, FVEY', 'SECRET//REL TO USA, FVEY', '(S//REL TO USA, FVEY)'],
  // A partner's release among partners (a JPN-KOR channel): USA is not in it.
  ['S//REL TO KOR, JPN', 'SECRET//REL TO JPN, KOR', '(S//REL TO JPN, KOR)'],
  // Register titles, written back as the abbreviation.
  ['TOP SECRET//KLONDIKE//NOFORN', 'TOP SECRET//KDK//NOFORN', '(TS//KDK//NF)'],
  ['(TS//KLONDIKE//NF)', 'TOP SECRET//KDK//NOFORN', '(TS//KDK//NF)'],
  ['TOP SECRET//HUMINT CONTROL SYSTEM//NOFORN', 'TOP SECRET//HCS//NOFORN', '(TS//HCS//NF)'],
  ['TS//SPECIAL INTELLIGENCE/TALENT KEYHOLE//REL TO USA, GBR', 'TOP SECRET//SI/TK//REL TO USA, GBR', '(TS//SI/TK//REL TO USA, GBR)'],
  ['top secret//reserve-abc//nf', 'TOP SECRET//RSV-ABC//NOFORN', '(TS//RSV-ABC//NF)'],
  ['SECRET//ORIGINATOR CONTROLLED/NOT RELEASABLE TO FOREIGN NATIONALS', 'SECRET//ORCON/NOFORN', '(S//OC/NF)'],
  [
    'SECRET//AUTHORIZED FOR RELEASE TO USA, GBR/RELEASABLE BY INFORMATION DISCLOSURE OFFICIAL',
    'SECRET//REL TO USA, GBR/RELIDO',
    '(S//REL TO USA, GBR/RELIDO)',
  ],
  ['SECRET//AUTHORIZED FOR DISPLAY BUT NOT RELEASE TO IRQ', 'SECRET//DISPLAY ONLY IRQ', '(S//DISPLAY ONLY IRQ)'],
];

// [typed, canonical banner] under a workspace policy with QUAD and FIG
const validInWorkspace: [string, string][] = [
  ['SECRET//REL TO USA, QUAD', 'SECRET//REL TO USA, QUAD'],
  ['S//REL TO QUAD, FVEY, USA', 'SECRET//REL TO USA, FVEY, QUAD'],
  ['S//REL TO FIG', 'SECRET//REL TO USA, FIG'],
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
  ['SECRET// //NOFORN', '//', 9, 'Nothing between two separators'],
  ['SECRET//NOFORN;', 'NOFORN;', 8, 'is not an SCI compartment or a dissemination control'],
  // CAPCO / IC-ISM rules (docs/markings.md, "Rules"): what each refuses.
  // HCS and KDK require NOFORN (ISM-ID-00049, 00123).
  ['TOP SECRET//HCS', 'HCS', 12, 'HCS information is never released to other nations: mark it NOFORN.'],
  ['TS//HCS//REL TO USA, GBR', 'HCS', 4, 'HCS information is never released to other nations'],
  ['SECRET//KDK//RELIDO', 'KDK', 8, 'KDK information is never released to other nations'],
  ['TOP SECRET//KLONDIKE//REL TO USA, FVEY', 'KLONDIKE', 12, 'KDK information is never released to other nations'],
  ['(TS//SI/HUMINT CONTROL SYSTEM//DISPLAY ONLY GBR)', 'HUMINT CONTROL SYSTEM', 8, 'HCS information is never released'],
  // SCI needs an explicit foreign-release marking.
  ['TOP SECRET//SI', 'SI', 12, 'SCI information must say whether other nations may have it: add NOFORN, REL TO, RELIDO or DISPLAY ONLY after SI.'],
  ['TS//SI/TK//OC', 'SI', 4, 'SCI information must say whether other nations may have it'],
  ['(S//RSV-ABC)', 'RSV-ABC', 4, 'SCI information must say whether other nations may have it'],
  ['TOP SECRET//TALENT KEYHOLE', 'TALENT KEYHOLE', 12, 'add NOFORN, REL TO, RELIDO or DISPLAY ONLY after TK'],
  // Lowest levels: HCS and SI CONFIDENTIAL (ISM-ID-00048, 00043); TK, KDK, RSV SECRET (00047, 00122, 00242).
  ['UNCLASSIFIED//HCS//NOFORN', 'HCS', 14, 'SCI compartment HCS cannot be used on UNCLASSIFIED information: it needs CONFIDENTIAL or higher.'],
  ['CONFIDENTIAL//TK//NOFORN', 'TK', 14, 'SCI compartment TK cannot be used on CONFIDENTIAL information: it needs SECRET or higher.'],
  ['C//KDK//NF', 'KDK', 3, 'SCI compartment KDK cannot be used on CONFIDENTIAL information'],
  ['(C//RSV-ABC//NF)', 'RSV-ABC', 4, 'SCI compartment RSV-ABC cannot be used on CONFIDENTIAL information'],
  // RSV never alone (ISM-ID-00243); its compartments are three letters or digits.
  ['TOP SECRET//RSV//NOFORN', 'RSV', 12, 'RSV (RESERVE) is never used alone: name its compartment, e.g. RSV-ABC.'],
  ['TS//RESERVE//NF', 'RESERVE', 4, 'RSV (RESERVE) is never used alone'],
  ['TS//RSV-AB//NF', 'RSV-AB', 4, '"RSV-AB" is not a compartment of RSV: write it as RSV-ABC, three letters or digits after "RSV-".'],
  ['TS//RSV-ABCD//NF', 'RSV-ABCD', 4, 'is not a compartment of RSV'],
  // ORCON needs a classified marking (ISM-ID-00028).
  ['UNCLASSIFIED//ORCON', 'ORCON', 14, 'ORCON cannot be used on UNCLASSIFIED information: it needs CONFIDENTIAL or higher.'],
  ['(U//OC/NF)', 'OC', 4, 'ORCON cannot be used on UNCLASSIFIED information'],
  ['U//ORIGINATOR CONTROLLED', 'ORIGINATOR CONTROLLED', 3, 'ORCON cannot be used on UNCLASSIFIED information'],
  // RELIDO and DISPLAY ONLY are mutually exclusive (ISM-ID-00169).
  ['SECRET//REL TO USA, GBR/RELIDO/DISPLAY ONLY IRQ', 'DISPLAY ONLY', 31, 'RELIDO cannot be combined with DISPLAY ONLY'],
  ['S//DISPLAY ONLY IRQ/RELIDO', 'RELIDO', 20, 'RELIDO cannot be combined with DISPLAY ONLY'],
  ['S//OC/REL TO USA, GBR/RELIDO/DISPLAY ONLY IRQ', 'DISPLAY ONLY', 29, 'RELIDO cannot be combined with DISPLAY ONLY'],
  // REL TO reaches another country than USA (ISM-ID-00319).
  ['SECRET//REL TO USA', 'USA', 15, 'REL TO USA releases to no other country: mark it NOFORN instead, or name the nations it is released to.'],
  ['(S//REL USA, USA)', 'USA', 8, 'REL TO USA releases to no other country'],
  ['S//REL TO USA/DISPLAY ONLY IRQ', 'USA', 10, 'REL TO USA releases to no other country: leave REL TO out, DISPLAY ONLY says the rest.'],
  ['S//REL TO GBR', 'GBR', 10, 'REL TO GBR names too few countries: list the originating nation and each nation released to, e.g. REL TO USA, GBR.'],
  // Non-US classifications and controls outside the policy are not supported.
  ['//NATO SECRET', '//NATO SECRET', 0, '"//NATO SECRET" is not supported by this cell\'s marking policy: it uses only the US classifications UNCLASSIFIED, CONFIDENTIAL, SECRET and TOP SECRET, not non-US, NATO, JOINT or CUI markings.'],
  ['//DEU SECRET//REL TO USA, DEU', '//DEU SECRET', 0, 'not supported by this cell\'s marking policy'],
  ['//COSMIC TOP SECRET', '//COSMIC TOP SECRET', 0, 'not supported'],
  ['(//NS)', '//NS', 1, 'not supported'],
  ['//SECRET', '//SECRET', 0, 'not supported'],
  ['NATO SECRET', 'NATO SECRET', 0, 'not supported'],
  ['DEU SECRET//NOFORN', 'DEU SECRET', 0, 'not supported'],
  ['COSMIC TOP SECRET', 'COSMIC TOP SECRET', 0, 'not supported'],
  ['RESTRICTED', 'RESTRICTED', 0, 'not supported'],
  ['UNCLASSIFIED//FOUO', 'FOUO', 14, '"FOUO" is not supported by this cell\'s marking policy, which uses only the SCI compartments HCS, KDK, RSV-…, SI and TK and the dissemination controls ORCON, NOFORN, REL TO, RELIDO and DISPLAY ONLY.'],
  ['SECRET//FOUO', 'FOUO', 8, 'is not supported by this cell\'s marking policy'],
  ['SECRET//NOFORN/PROPIN', 'PROPIN', 15, 'is not supported'],
  ['S//IMCON/NF', 'IMCON', 3, 'is not supported'],
  ['S//NF/FISA', 'FISA', 6, 'is not supported'],
  ['S//NOCONTRACT', 'NOCONTRACT', 3, 'is not supported'],
  ['TS//SAR-BP//NF', 'SAR-BP', 4, 'is not supported'],
  ['S//EYES ONLY USA, GBR', 'EYES ONLY USA, GBR', 3, 'is not supported'],
  ['TS//SI-G//NF', 'SI-G', 4, '"SI-G" is not supported by this cell\'s marking policy'],
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
