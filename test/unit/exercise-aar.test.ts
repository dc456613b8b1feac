import { describe, expect, test } from 'vitest';
import { computeAar, type AarEntry } from '../../server/exercise/aar';
import { aarMarkdown } from '../../server/exercise/aarReport';
import { loadScenario, scenarioContext } from '../helpers/scenarios';

const flank = loadScenario('nato-eastern-flank');
const MIN = 60_000;
const at = (m: number) => new Date(Date.UTC(2026, 10, 30, 10, 0) + m * MIN).toISOString();
const by = (nation: string | null) => ({ sub: nation ? `${nation.toLowerCase()}-player` : 'system', nation });

/** A scripted run of the eastern-flank scenario at ×1, as the audit trail records it. */
const RUN: AarEntry[] = [
  { at: at(0), action: 'object.create', actor: by('USA'), objectId: 'o1', detail: { kind: 'report', marking: 'SECRET//REL TO USA, POL' } },
  { at: at(0), action: 'exercise.inject', actor: by(null), objectId: null, detail: { injectId: 'E-01', scenarioMs: 0, objectIds: ['o1'] } },
  { at: at(5), action: 'exercise.inject', actor: by(null), objectId: null, detail: { injectId: 'E-02', scenarioMs: 5 * MIN, objectIds: [] } },
  { at: at(5), action: 'release.request', actor: by('POL'), objectId: 'o1', detail: { requestId: 'r1', from: 'SECRET//REL TO USA, POL', to: 'SECRET//REL TO USA, NATO' } },
  { at: at(10), action: 'exercise.inject', actor: by(null), objectId: null, detail: { injectId: 'E-03', scenarioMs: 10 * MIN, objectIds: ['o3a', 'o3b', 'o3c'] } },
  { at: at(10), action: 'object.create', actor: by('USA'), objectId: 'o3a', detail: { kind: 'report', marking: 'SECRET//NOFORN' } },
  { at: at(10), action: 'object.create', actor: by('USA'), objectId: 'o3b', detail: { kind: 'report', marking: 'SECRET//REL TO USA, POL' } },
  { at: at(10), action: 'object.create', actor: by('USA'), objectId: 'o3c', detail: { kind: 'report', marking: 'SECRET//REL TO USA, NATO' } },
  { at: at(17), action: 'release.approve', actor: by('POL'), objectId: 'o1', detail: { requestId: 'r1', to: 'SECRET//REL TO USA, NATO' } },
  { at: at(17), action: 'object.remark', actor: by('POL'), objectId: 'o1', detail: { from: 'SECRET//REL TO USA, POL', to: 'SECRET//REL TO USA, NATO', direction: 'widen', epoch: 1, requestId: 'r1' } },
  { at: at(20), action: 'tearline.create', actor: by('USA'), objectId: 't1', detail: { kind: 'report', marking: 'SECRET//REL TO USA, GBR', sourceId: 'o3a' } },
  { at: at(25), action: 'release.request', actor: by('GBR'), objectId: 'o3a', detail: { requestId: 'r2', from: 'SECRET//NOFORN', to: 'SECRET//REL TO USA, GBR' } },
  { at: at(28), action: 'release.deny', actor: by('USA'), objectId: 'o3a', detail: { requestId: 'r2', reason: 'Source protection: use the tearline.', category: 'sources_methods' } },
  { at: at(30), action: 'exercise.inject', actor: by(null), objectId: null, detail: { injectId: 'E-04', scenarioMs: 30 * MIN, objectIds: [] } },
  { at: at(35), action: 'object.create', actor: by('LTU'), objectId: 'q1', detail: { kind: 'rfi', marking: 'SECRET//REL TO USA, NATO' } },
  { at: at(36), action: 'object.create', actor: by('DEU'), objectId: 'q2', detail: { kind: 'rfi', marking: 'SECRET//REL TO USA, NATO' } },
  { at: at(40), action: 'exercise.answer', actor: by('POL'), objectId: 'q2', detail: {} },
  { at: at(80), action: 'exercise.answer', actor: by('USA'), objectId: 'q1', detail: {} },
];

const figures = computeAar(flank, RUN, scenarioContext, { rfiDeadlineMs: 30 * MIN });
const inject = (id: string) => figures.injects.find((i) => i.injectId === id)!;

describe('after-action review figures', () => {
  test('when each nation could first see an inject: directly, or after the release it waited for', () => {
    expect(inject('E-01')).toMatchObject({ releasedAt: at(0), scenarioMs: 0, objective: 'OBJ-1' });
    expect(inject('E-01').nations).toEqual([
      { nation: 'USA', at: at(0), afterMs: 0, via: 'direct' },
      { nation: 'DEU', at: at(17), afterMs: 17 * MIN, via: 'release' },
      { nation: 'GBR', at: at(17), afterMs: 17 * MIN, via: 'release' },
      { nation: 'LTU', at: at(17), afterMs: 17 * MIN, via: 'release' },
      { nation: 'POL', at: at(0), afterMs: 0, via: 'direct' },
    ]);
  });

  test('variants and tearlines count: the NOFORN original, its sanitised versions, and a later tearline', () => {
    expect(inject('E-03').nations.map((n) => [n.nation, n.afterMs, n.via])).toEqual([
      ['USA', 0, 'direct'],
      ['DEU', 0, 'direct'],
      ['GBR', 0, 'direct'],
      ['LTU', 0, 'direct'],
      ['POL', 0, 'direct'],
    ]);
    const withoutVariants = computeAar(flank, RUN.filter((e) => e.objectId !== 'o3b' && e.objectId !== 'o3c'), scenarioContext, { rfiDeadlineMs: 30 * MIN });
    const sights = withoutVariants.injects.find((i) => i.injectId === 'E-03')!.nations;
    expect(sights.find((n) => n.nation === 'GBR')).toEqual({ nation: 'GBR', at: at(20), afterMs: 10 * MIN, via: 'tearline' });
    expect(sights.find((n) => n.nation === 'POL')).toEqual({ nation: 'POL', at: null, afterMs: null, via: null });
  });

  test('how releases took and ended, and the denials with their reasons', () => {
    expect(inject('E-01').releases).toEqual([
      { requestId: 'r1', objectId: 'o1', requestedBy: 'POL', to: 'SECRET//REL TO USA, NATO', requestedAt: at(5), closedAt: at(17), outcome: 'approved', tookMs: 12 * MIN, reason: null, category: null },
    ]);
    expect(figures.denials).toEqual([
      {
        injectId: 'E-03',
        requestId: 'r2',
        objectId: 'o3a',
        requestedBy: 'GBR',
        to: 'SECRET//REL TO USA, GBR',
        requestedAt: at(25),
        closedAt: at(28),
        outcome: 'denied',
        tookMs: 3 * MIN,
        reason: 'Source protection: use the tearline.',
        category: 'sources_methods',
      },
    ]);
  });

  test('expected player actions: met in time, late, or missed', () => {
    expect(inject('E-01').expected).toEqual({ action: "Poland's disclosure officer releases the report to NATO.", result: 'late', at: at(17) });
    expect(inject('E-03').expected).toEqual({ action: 'A sanitised version reaches Poland and NATO.', result: 'met', at: at(20) });
    expect(computeAar(flank, RUN.slice(0, 10), scenarioContext, { rfiDeadlineMs: 30 * MIN }).injects[2]!.expected!.result).toBe('missed');
  });

  test('RFIs answered after their deadline, or never, are late', () => {
    expect(figures.rfis).toEqual([
      { objectId: 'q1', injectId: null, askedBy: 'LTU', askedAt: at(35), answeredAt: at(80), late: true },
      { objectId: 'q2', injectId: null, askedBy: 'DEU', askedAt: at(36), answeredAt: at(40), late: false },
    ]);
  });

  test('injects never released and injects that carry no object have no sight figures', () => {
    expect(inject('E-05')).toMatchObject({ releasedAt: null, releases: [], expected: null });
    expect(inject('E-05').nations.every((n) => n.at === null)).toBe(true);
    expect(inject('E-04').nations).toEqual([]);
  });
});

describe('AAR/IP draft', () => {
  const markdown = aarMarkdown(flank, figures, '2026-11-30T12:00:00Z');

  test('follows the HSEEP structure', () => {
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# After-action review and improvement plan: NATO eastern-flank warning cell with Poland',
      '## Objectives',
      '## Time to share, per inject',
      '## Releases',
      '## Observations',
      '## Strengths',
      '## Areas for improvement',
      '## Recommendations',
      '## Improvement plan',
    ]);
    expect(markdown).toContain('**EXERCISE EXERCISE EXERCISE**');
  });

  test('carries the figures: time to share, releases, objectives, findings', () => {
    expect(markdown).toContain('| Inject | Released | USA | DEU | GBR | LTU | POL |');
    expect(markdown).toContain('| E-01 Rail movement of armoured vehicles toward the border | +00:00 | 0 min (direct) | 17 min (release) | 17 min (release) | 17 min (release) | 0 min (direct) |');
    expect(markdown).toContain('| E-03 | GBR | SECRET//REL TO USA, GBR | denied | 3 min | Source protection: use the tearline. |');
    expect(markdown).toContain('| E-01 | POL | SECRET//REL TO USA, NATO | approved | 12 min |  |');
    expect(markdown).toContain('**OBJ-1**: Polish reporting is visible to every NATO participant within 15 minutes. *Not met.*');
    expect(markdown).toContain('**OBJ-2**: US corroboration reaches Poland within 45 minutes, sanitised if need be. *Met.*');
    expect(markdown).toContain('- E-03 reached every nation (USA, DEU, GBR, LTU, POL) as it was released.');
    expect(markdown).toContain('- E-01: DEU waited 17 min (release), GBR waited 17 min (release), LTU waited 17 min (release).');
    expect(markdown).toContain('- RFI from LTU was answered after 45 min.');
    expect(markdown).toContain('- 1 RFI answered in time.');
  });

  test('every area for improvement has a line in the improvement plan', () => {
    const areas = markdown.split('## Areas for improvement')[1]!.split('## Recommendations')[0]!.split('\n').filter((l) => l.startsWith('- '));
    const plan = markdown.split('## Improvement plan')[1]!.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Area') && !l.startsWith('| ---'));
    expect(areas.length).toBeGreaterThan(2);
    expect(plan).toHaveLength(areas.length);
  });

  test('lists the observations per inject in MSEL order, then those about no inject', () => {
    const [first, second] = [flank.msel[0]!.id, flank.msel[1]!.id];
    const observation = (injectId: string | null, text: string) => ({
      injectId,
      expectedAction: null,
      text,
      marking: 'SECRET//REL TO USA, POL',
      scenarioMs: 60_000,
      scenarioTime: '2025-06-01T06:01:00Z',
      zulu: '2026-11-30T11:00:00.000Z',
      author: { sub: 'pol-analyst', nation: 'POL', role: 'evaluator' as const },
    });
    const drafted = aarMarkdown(flank, figures, '2026-11-30T12:00:00Z', [observation(null, 'general'), observation(second, 'on second'), observation(first, 'on\nfirst')]);
    const section = drafted.split('## Observations')[1]!.split('## Strengths')[0]!;
    expect(section.split('\n').filter((l) => l.startsWith('### '))).toEqual([`### Inject ${first}`, `### Inject ${second}`, '### General']);
    expect(section).toContain('- (SECRET//REL TO USA, POL) 2025-06-01T06:01:00Z (Z 2026-11-30T11:00:00.000Z), evaluator POL: on first');
    expect(markdown.split('## Observations')[1]!.split('## Strengths')[0]!.trim()).toBe('None recorded.');
  });
});
