// Rules of a marking that depend on its originator (shared/markings/originator.ts): a REL TO list
// names the originating nation (ISM-ID-00214 for US material: REL TO starts with USA), and RELIDO
// marks US material only (ISM-ID-00124). Each refusal names the control as typed.
import { describe, expect, it } from 'vitest';
import { checkOriginatorRules, MarkingError, parseMarking, policyWithGroups, type Marking } from '../../shared/markings';

const policy = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });

function refusal(text: string, originator: string): MarkingError | null {
  const marking: Marking = { ...parseMarking(text, policy), originator };
  try {
    checkOriginatorRules(text, marking, policy);
    return null;
  } catch (error) {
    if (error instanceof MarkingError) return error;
    throw error;
  }
}

describe('a REL TO list names its originator', () => {
  it('refuses a US REL TO list without USA, naming the control and the banner to use', () => {
    const error = refusal('SECRET//REL TO JPN, KOR', 'USA');
    expect(error?.message).toBe(
      'REL TO JPN, KOR leaves out USA, the nation this material comes from: REL TO names the originator too. Mark it SECRET//REL TO USA, JPN, KOR.',
    );
    expect(error).toMatchObject({ code: 'bad_marking', token: 'REL TO', position: 8 });
  });

  it('points at the spelling typed, in a portion mark too', () => {
    expect(refusal('(s//rel jpn, kor)', 'USA')).toMatchObject({ token: 'rel', position: 4 });
  });

  it('refuses another nation\u2019s REL TO list without that nation', () => {
    expect(refusal('SECRET//REL TO USA, GBR', 'JPN')?.message).toContain('leaves out JPN');
  });

  it('accepts the originator named directly or through a group, and markings without REL TO', () => {
    for (const [text, originator] of [
      ['SECRET//REL TO USA, JPN, KOR', 'USA'],
      ['SECRET//REL TO JPN, KOR', 'JPN'],
      ['SECRET//REL TO USA, FVEY', 'GBR'],
      ['SECRET//REL TO QUAD', 'IND'],
      ['SECRET//NOFORN', 'JPN'],
      ['UNCLASSIFIED', 'KOR'],
    ] as const) {
      expect(refusal(text, originator), `${text} by ${originator}`).toBeNull();
    }
  });
});

describe('ISM-ID-00124: RELIDO is for US material only', () => {
  it('refuses RELIDO on another nation\u2019s material, naming it', () => {
    const error = refusal('SECRET//RELIDO', 'GBR');
    expect(error?.message).toBe('RELIDO is only for USA material; this comes from GBR. Name the nations it is released to with REL TO GBR, … instead.');
    expect(error).toMatchObject({ token: 'RELIDO', position: 8 });
    expect(refusal('SECRET//REL TO USA, GBR//RELIDO', 'GBR')).toMatchObject({ token: 'RELIDO', position: 25 });
  });

  it('accepts RELIDO on US material', () => {
    expect(refusal('SECRET//RELIDO', 'USA')).toBeNull();
    expect(refusal('TOP SECRET//SI//RELIDO', 'USA')).toBeNull();
  });
});
