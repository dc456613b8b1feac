import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Participant } from '../../shared/markings';
import { createAuditCursors } from '../../server/audit/cursor';
import { chainEntry, type AuditDraft, type AuditEntry } from '../../server/audit/entry';
import { AUDIT_PAGE_MAX } from '../../shared/rest';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import { auditEntryFor, visibleAuditPage, type AuditViewer } from '../../server/audit/visibility';

const now = new Date('2025-03-01T08:00:00.000Z');
const usa = { sub: 'usa-analyst', nation: 'USA' };

function chain(drafts: AuditDraft[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const d of drafts) entries.push(chainEntry(entries.at(-1) ?? null, d, now));
  return entries;
}

// Objects the GBR reader may see now: `rel-gbr` and the tearline `tl-1` (released from NOFORN);
// `noforn` is US-only. Request `req-nf` was made while `tl-1` was NOFORN, `req-rel` on `rel-gbr`.
function viewer(participant: Participant, visible = new Set(['rel-gbr', 'tl-1'])): AuditViewer {
  return {
    workspaceId: 'ws-1',
    participant,
    policy: defaultPolicy,
    visibleObject: (id) => (visible.has(id) ? { originator: 'USA' } : undefined),
    requestedFrom: (id) => ({ 'req-nf': 'SECRET//NOFORN', 'req-rel': 'SECRET//REL TO USA, GBR' })[id],
  };
}
const gbr = viewer({ nation: 'GBR', clearance: 'SECRET', compartments: [] });
const gbrSi = viewer({ nation: 'GBR', clearance: 'TOP SECRET', compartments: ['SI'] });

function shown(draft: AuditDraft, as: AuditViewer = gbr) {
  return auditEntryFor(chainEntry(null, draft, now), as);
}

describe('auditEntryFor: one entry as one reader may see it', () => {
  it('leaves out entries of other cells and entries about objects the reader may not see', () => {
    expect(shown({ workspaceId: 'ws-2', actor: usa, action: 'object.create', objectId: 'rel-gbr' })).toBeUndefined();
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'noforn' })).toBeUndefined();
  });

  it('shows an inject\'s state changes to exercise control only, and what it became only to readers of that version', () => {
    const msel = { workspaceId: 'ws-1', actor: usa, action: 'exercise.msel' as const, detail: { injectId: 'I-02', from: 'planned', to: 'released', by: 'excon', scenarioMs: 60_000 } };
    expect(shown(msel)).toBeUndefined();
    expect(shown(msel, { ...gbr, excon: true })?.detail).toEqual(msel.detail);
    const inject = { workspaceId: 'ws-1', actor: usa, action: 'exercise.inject' as const, detail: { injectId: 'I-01', version: 0, objectIds: ['noforn'] } };
    expect(shown({ ...inject, objectId: 'noforn' })).toBeUndefined();
    expect(shown({ ...inject, objectId: 'rel-gbr', detail: { ...inject.detail, version: 1, objectIds: ['rel-gbr'] } })?.detail).toEqual({ injectId: 'I-01', version: 1, objectIds: ['rel-gbr'] });
  });

  it('shows an observation to exercise control only, and only to one who may read its own marking', () => {
    const observe = (marking: string) => ({
      workspaceId: 'ws-1',
      actor: usa,
      action: 'exercise.observe' as const,
      detail: { scenarioMs: 60_000, scenarioTime: '2025-03-04T06:01:00Z', injectId: 'I-01', text: 'Seen', marking, originator: 'USA', role: 'evaluator' },
    });
    expect(shown(observe('SECRET//REL TO USA, GBR'))).toBeUndefined();
    expect(shown(observe('SECRET//REL TO USA, GBR'), { ...gbr, excon: true })?.detail).toEqual(observe('SECRET//REL TO USA, GBR').detail);
    expect(shown(observe('SECRET//NOFORN'), { ...gbr, excon: true })).toBeUndefined();
    expect(shown(observe('SECRET//NOFORN'), { ...viewer({ nation: 'USA', clearance: 'SECRET', compartments: [] }), excon: true })?.detail.text).toBe('Seen');
  });

  it('shows no seq and no hashes, which would count the entries left out', () => {
    const entry = shown({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'rel-gbr', detail: { kind: 'note' } });
    expect(entry).toEqual({ at: now.toISOString(), workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'rel-gbr', detail: { kind: 'note' } });
  });

  it("hides a released tearline's source: the link, and the source's marking it was created with", () => {
    const created = { workspaceId: 'ws-1', actor: usa, action: 'tearline.create' as const, objectId: 'tl-1', detail: { kind: 'note', marking: 'SECRET//NOFORN', sourceId: 'noforn' } };
    expect(shown(created)?.detail).toEqual({ kind: 'note' });
    expect(shown(created, viewer({ nation: 'USA', clearance: 'SECRET', compartments: [] }, new Set(['tl-1', 'noforn'])))?.detail).toEqual(created.detail);
    expect(shown({ ...created, detail: { kind: 'note', marking: 'SECRET//REL TO USA, GBR', sourceId: 'rel-gbr' } })?.detail).toEqual({
      kind: 'note',
      marking: 'SECRET//REL TO USA, GBR',
      sourceId: 'rel-gbr',
    });
  });

  it('shows where a feature was placed or moved only to a reader who could see it as then marked', () => {
    const placed = { workspaceId: 'ws-1', actor: usa, action: 'object.create' as const, objectId: 'rel-gbr', detail: { kind: 'feature', marking: 'SECRET//NOFORN', to: [125, 26] } };
    expect(shown(placed)?.detail).toEqual({ kind: 'feature' });
    expect(shown({ ...placed, detail: { ...placed.detail, marking: 'SECRET//REL TO USA, GBR' } })?.detail).toEqual({ kind: 'feature', marking: 'SECRET//REL TO USA, GBR', to: [125, 26] });
    const moved = { workspaceId: 'ws-1', actor: usa, action: 'object.move' as const, objectId: 'rel-gbr', detail: { marking: 'SECRET//NOFORN', shape: 'Point', to: [126, 27] } };
    expect(shown(moved)?.detail).toEqual({});
    expect(shown({ ...moved, detail: { ...moved.detail, marking: 'SECRET//REL TO USA, GBR' } })?.detail).toEqual({ marking: 'SECRET//REL TO USA, GBR', shape: 'Point', to: [126, 27] });
  });

  it('shows the markings of a re-mark and a release only where the reader may see them', () => {
    const widened = shown({ workspaceId: 'ws-1', actor: usa, action: 'object.remark', objectId: 'tl-1', detail: { from: 'SECRET//NOFORN', to: 'SECRET//REL TO USA, GBR', direction: 'widen', epoch: 1, requestId: 'req-nf' } });
    expect(widened?.detail).toEqual({ to: 'SECRET//REL TO USA, GBR', direction: 'widen', epoch: 1, requestId: 'req-nf' });
    const unparseable = shown({ workspaceId: 'ws-1', actor: usa, action: 'release.approve', objectId: 'tl-1', detail: { requestId: 'req-nf', to: 'SECRET//REL TO ATLANTIS' } });
    expect(unparseable?.detail).toEqual({ requestId: 'req-nf' });
  });

  it('shows what was said about a request only to readers who could see the object as it was requested', () => {
    const request = (requestId: string, objectId: string) =>
      shown({ workspaceId: 'ws-1', actor: usa, action: 'release.request', objectId, detail: { requestId, from: 'SECRET//NOFORN', to: 'SECRET//REL TO USA, GBR', justification: 'Sanitised from the SIGINT report.', deadline: 'soon' } });
    expect(request('req-nf', 'tl-1')?.detail).toEqual({ requestId: 'req-nf', to: 'SECRET//REL TO USA, GBR', deadline: 'soon' });
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'release.deny', objectId: 'tl-1', detail: { requestId: 'req-nf', reason: 'Names the source.' } })?.detail).toEqual({ requestId: 'req-nf' });
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'release.deny', objectId: 'rel-gbr', detail: { requestId: 'req-rel', reason: 'Not yet.' } })?.detail).toEqual({ requestId: 'req-rel', reason: 'Not yet.' });
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'release.expire', objectId: 'tl-1', detail: { requestId: 'req-gone', cause: 'orcon' } })?.detail).toEqual({ requestId: 'req-gone' });
  });

  it('never shows counts of what someone else saw (view-as, export), nor an export banner the reader may not see', () => {
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'view_as', detail: { level: 'JPN|S|', objects: 7 } })?.detail).toEqual({ level: 'JPN|S|' });
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'export', objectId: 'tl-1', detail: { banner: 'SECRET//NOFORN', portions: 3, withheld: 1 } })?.detail).toEqual({});
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'export', objectId: 'rel-gbr', detail: { banner: 'SECRET//REL TO USA, GBR', portions: 3, withheld: 0 } })?.detail).toEqual({
      banner: 'SECRET//REL TO USA, GBR',
    });
  });

  it("shows another participant's level with only the compartments the reader holds", () => {
    const join = { workspaceId: 'ws-1', actor: usa, action: 'workspace.join' as const, detail: { level: 'USA|TS|SI,TK' } };
    expect(shown(join)?.detail).toEqual({ level: 'USA|TS|' });
    expect(shown(join, gbrSi)?.detail).toEqual({ level: 'USA|TS|SI' });
    const change = shown({ workspaceId: 'ws-1', actor: usa, action: 'membership.change', detail: { from: 'USA|S|', to: 'USA|TS|TK' } });
    expect(change?.detail).toEqual({ from: 'USA|S|', to: 'USA|TS|' });
  });

  it('never shows a detail field no rule names', () => {
    expect(shown({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'rel-gbr', detail: { kind: 'note', unreadable: 'x' } })?.detail).toEqual({ kind: 'note' });
  });
});

describe('visibleAuditPage: pages of shown entries only', () => {
  it('fills a page past any number of entries left out, and starts the next after the last one shown', async () => {
    const log = createSqliteAuditLog(new Database(':memory:'));
    const hidden = (n: number) => log.append({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'noforn', detail: { n } });
    await log.append({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'rel-gbr' });
    for (let n = 0; n < AUDIT_PAGE_MAX + 5; n++) await hidden(n);
    await log.append({ workspaceId: 'ws-1', actor: usa, action: 'object.create', objectId: 'tl-1' });
    await hidden(-1);

    const first = await visibleAuditPage(log, gbr, 0, 1);
    expect(first.map((e) => e.entry.objectId)).toEqual(['rel-gbr']);
    const second = await visibleAuditPage(log, gbr, first[0]!.seq, 1);
    expect(second.map((e) => e.entry.objectId)).toEqual(['tl-1']);
    expect(await visibleAuditPage(log, gbr, second[0]!.seq, 1)).toEqual([]);
    expect((await visibleAuditPage(log, gbr, 0, 10)).map((e) => e.entry.objectId)).toEqual(['rel-gbr', 'tl-1']);
  });
});

describe('audit cursors', () => {
  const cursors = createAuditCursors();

  it('stand for a position without showing it, and only in the cell they were made for', () => {
    const a = cursors.encode('ws-1', 41);
    const b = cursors.encode('ws-1', 42);
    expect(cursors.decode('ws-1', a)).toBe(41);
    expect(cursors.decode('ws-1', b)).toBe(42);
    expect(a).not.toContain('41');
    expect(() => cursors.decode('ws-2', a)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => createAuditCursors().decode('ws-1', a)).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => cursors.decode('ws-1', 'not-a-cursor')).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
