// The object index answers who may see an object (its marking and every ancestor's) and keeps
// siblings in one order, so a partner who sees only some of them still places a new one after
// the last they see. The audience turns that into rooms: the levels that may see an object.
import { describe, expect, test } from 'vitest';
import { accessLevelKey, defaultPolicy, parseMarking } from '../../shared/markings';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { Audience } from '../../server/rooms/audience';
import { envelope, participants } from '../helpers/fakeSocket';

const { usaTopSecret, gbrSecret, jpnSecret } = participants;
const [USA, GBR, JPN] = [accessLevelKey(usaTopSecret), accessLevelKey(gbrSecret), accessLevelKey(jpnSecret)];

/** A report REL TO USA, GBR with three portions, the middle one NOFORN; a NOFORN report with an unclassified portion. */
function reportIndex(): ObjectIndex {
  return new ObjectIndex(defaultPolicy, [
    envelope('report', 'SECRET//REL TO USA, GBR'),
    envelope('p2', 'SECRET//NOFORN', { parentId: 'report', orderKey: 'a2' }),
    envelope('p1', 'UNCLASSIFIED', { parentId: 'report', orderKey: 'a1' }),
    envelope('p3', 'CONFIDENTIAL//REL TO USA, GBR', { parentId: 'report', orderKey: 'a3' }),
    envelope('nf-report', 'SECRET//NOFORN'),
    envelope('nf-portion', 'UNCLASSIFIED', { parentId: 'nf-report' }),
  ]);
}

describe('ObjectIndex', () => {
  test('an object is visible only when its own marking and every ancestor allow it; an absent one never is', () => {
    const index = reportIndex();
    expect(index.canSee(gbrSecret, 'report')).toBe(true);
    expect(index.canSee(gbrSecret, 'p1')).toBe(true);
    expect(index.canSee(gbrSecret, 'p2')).toBe(false);
    expect(index.canSee(jpnSecret, 'report')).toBe(false);
    // Unclassified, but under a report JPN may not see.
    expect(index.canSee(jpnSecret, 'p1')).toBe(false);
    expect(index.canSee(gbrSecret, 'nf-portion')).toBe(false);
    expect(index.canSee(usaTopSecret, 'nf-portion')).toBe(true);
    expect(index.canSee(usaTopSecret, 'absent')).toBe(false);
  });

  test("the originator's nation sees its own NOFORN material", () => {
    const index = new ObjectIndex(defaultPolicy, [envelope('gbr-own', 'SECRET//NOFORN', { originator: 'GBR' })]);
    expect(index.canSee(gbrSecret, 'gbr-own')).toBe(true);
    expect(index.canSee(usaTopSecret, 'gbr-own')).toBe(false);
  });

  test('siblings are kept in order key order, then id, and move when a put changes their key or parent', () => {
    const index = reportIndex();
    expect(index.childrenOf('report')).toEqual(['p1', 'p2', 'p3']);
    index.put(envelope('p0', 'UNCLASSIFIED', { parentId: 'report', orderKey: 'a2' }));
    expect(index.childrenOf('report')).toEqual(['p1', 'p0', 'p2', 'p3']);
    index.put({ ...index.get('p1')!.envelope, orderKey: 'a9' });
    expect(index.childrenOf('report')).toEqual(['p0', 'p2', 'p3', 'p1']);
    index.put({ ...index.get('p3')!.envelope, parentId: 'nf-report' });
    expect(index.childrenOf('report')).toEqual(['p0', 'p2', 'p1']);
    expect(index.childrenOf('nf-report')).toEqual(['nf-portion', 'p3']);
    expect(index.size).toBe(7);
  });

  test("a participant's view of siblings leaves out what they may not see, the last visible key included", () => {
    const index = reportIndex();
    index.put(envelope('p4', 'SECRET//NOFORN', { parentId: 'report', orderKey: 'a4' }));
    expect(index.visibleChildren(gbrSecret, 'report').map((child) => child.envelope.id)).toEqual(['p1', 'p3']);
    expect(index.lastVisibleOrderKey(gbrSecret, 'report')).toBe('a3');
    expect(index.lastVisibleOrderKey(usaTopSecret, 'report')).toBe('a4');
    expect(index.lastVisibleOrderKey(jpnSecret, 'report')).toBeNull();
  });

  test('subtree lists parents first; chain lists the markings from the object up, with a re-mark put in place', () => {
    const index = reportIndex();
    index.put(envelope('deep', 'UNCLASSIFIED', { parentId: 'p1' }));
    expect(index.subtree('report')).toEqual(['report', 'p1', 'p2', 'p3', 'deep']);
    const noforn = parseMarking('SECRET//NOFORN');
    expect(index.chain('deep').map((marking) => marking.classification)).toEqual(['U', 'U', 'S']);
    const remarked = index.chain('deep', { id: 'p1', marking: noforn });
    expect(remarked[1]).toBe(noforn);
    expect(remarked[2]).toBe(index.get('report')!.marking);
  });

  test('markings are parsed once per banner and originator, so equal markings are one object', () => {
    const index = reportIndex();
    expect(index.get('p3')!.marking).toBe(index.markingOf({ marking: 'CONFIDENTIAL//REL TO USA, GBR', originator: 'USA' }));
    expect(index.get('report')!.marking).toBe(index.markingOf({ marking: 'SECRET//REL TO USA, GBR', originator: 'USA' }));
    expect(index.markingOf({ marking: 'SECRET//REL TO USA, GBR', originator: 'GBR' })).not.toBe(index.get('report')!.marking);
  });
});

describe('Audience', () => {
  test('the levels that may see an object are those every marking on its chain allows', () => {
    const audience = new Audience(reportIndex(), [USA, GBR, JPN]);
    expect([...audience.levelsForObject('report')].sort()).toEqual([GBR, USA].sort());
    expect([...audience.levelsForObject('p1')].sort()).toEqual([GBR, USA].sort());
    expect([...audience.levelsForObject('p2')]).toEqual([USA]);
    expect([...audience.levelsForObject('nf-portion')]).toEqual([USA]);
    expect(audience.levelsForObject('absent').size).toBe(0);
  });

  test('levels per marking are cached until a new level joins the cell', () => {
    const index = reportIndex();
    const audience = new Audience(index, [USA, JPN, USA]);
    expect(audience.knownLevels()).toEqual([USA, JPN]);
    const marking = index.get('report')!.marking;
    const before = audience.levelsFor(marking);
    expect([...before]).toEqual([USA]);
    expect(audience.levelsFor(marking)).toBe(before);
    expect(audience.addLevel(USA)).toBe(false);
    expect(audience.levelsFor(marking)).toBe(before);
    expect(audience.addLevel(GBR)).toBe(true);
    expect([...audience.levelsFor(marking)].sort()).toEqual([GBR, USA].sort());
    expect([...audience.levelsForObject('p1')].sort()).toEqual([GBR, USA].sort());
  });

  test('who would see an object after a re-mark, before it is made', () => {
    const index = reportIndex();
    const audience = new Audience(index, [USA, GBR, JPN]);
    const wider = index.markingOf({ marking: 'SECRET//REL TO USA, GBR, JPN', originator: 'USA' });
    expect([...audience.levelsForChain(index.chain('report', { id: 'report', marking: wider }))].sort()).toEqual([GBR, JPN, USA].sort());
    // A portion widened alone stays within its report's audience.
    expect([...audience.levelsForChain(index.chain('p1', { id: 'p1', marking: wider }))].sort()).toEqual([GBR, USA].sort());
    expect(audience.levelsForChain([]).size).toBe(0);
  });
});
