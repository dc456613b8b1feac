import { describe, expect, it } from 'vitest';
import { chainEntry, type AuditDraft, type AuditEntry } from '../../server/audit/entry';
import { auditEntriesVisibleTo } from '../../server/audit/visibility';

const now = new Date('2025-03-01T08:00:00.000Z');
const gbr = { sub: 'gbr-fdo', nation: 'GBR' };

function chain(drafts: AuditDraft[]): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const d of drafts) entries.push(chainEntry(entries.at(-1) ?? null, d, now));
  return entries;
}

// Objects the GBR caller may see: `rel-gbr` and the tearline `tl-1`; `noforn` is US-only.
const visibleToGbr = new Set(['rel-gbr', 'tl-1']);
const viewer = { workspaceId: 'ws-1', canSeeObject: (id: string) => visibleToGbr.has(id) };

const entries = chain([
  { workspaceId: 'ws-1', actor: gbr, action: 'workspace.join' },
  { workspaceId: 'ws-1', actor: { sub: 'usa-analyst', nation: 'USA' }, action: 'object.create', objectId: 'noforn', detail: { marking: 'SECRET//NOFORN' } },
  { workspaceId: 'ws-1', actor: { sub: 'usa-analyst', nation: 'USA' }, action: 'object.create', objectId: 'rel-gbr' },
  { workspaceId: 'ws-1', actor: { sub: 'usa-analyst', nation: 'USA' }, action: 'tearline.create', objectId: 'tl-1', detail: { sourceId: 'noforn', marking: 'SECRET//NOFORN' } },
  { workspaceId: 'ws-1', actor: { sub: 'usa-analyst', nation: 'USA' }, action: 'tearline.create', objectId: 'tl-1', detail: { sourceId: 'rel-gbr' } },
  { workspaceId: 'ws-2', actor: { sub: 'kor-analyst', nation: 'KOR' }, action: 'workspace.join' },
  { workspaceId: 'ws-2', actor: { sub: 'kor-analyst', nation: 'KOR' }, action: 'object.create', objectId: 'rel-gbr' },
  { workspaceId: 'ws-1', actor: { sub: 'admin', nation: 'USA' }, action: 'membership.change', detail: { added: ['POL'] } },
]);

describe('auditEntriesVisibleTo', () => {
  const visible = auditEntriesVisibleTo(entries, viewer);

  it('keeps entries about visible objects and workspace events of the workspace read, in order', () => {
    expect(visible.map((e) => e.seq)).toEqual([1, 3, 4, 5, 8]);
  });

  it('drops entries about objects the caller may not see, and every entry of other workspaces', () => {
    expect(visible.some((e) => e.objectId === 'noforn')).toBe(false);
    expect(visible.some((e) => e.workspaceId === 'ws-2')).toBe(false);
  });

  it("removes a tearline's link to a source the caller may not see, and only that", () => {
    expect(visible.find((e) => e.seq === 4)?.detail).toEqual({ marking: 'SECRET//NOFORN' });
    expect(visible.find((e) => e.seq === 5)?.detail).toEqual({ sourceId: 'rel-gbr' });
    expect(entries[3]?.detail).toEqual({ sourceId: 'noforn', marking: 'SECRET//NOFORN' });
  });

  it('shows everything of the workspace to a caller who may see every object', () => {
    const all = auditEntriesVisibleTo(entries, { workspaceId: 'ws-1', canSeeObject: () => true });
    expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 8]);
    expect(all).toEqual(entries.filter((e) => e.workspaceId === 'ws-1'));
  });
});
