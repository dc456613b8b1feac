// Object names in dialogs, the FDO inbox, the audit trail and presence: titled objects by title,
// a report paragraph by its place in its report (a paragraph has no title of its own).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { paragraphName } from '../../shared/paragraphName';
import type { Picture } from '../../client/src/session/picture';
import { PresenceStore } from '../../client/src/session/presenceStore';
import { objectLabel } from '../../client/src/workspace/objectLabel';

function envelope(id: string, kind: Envelope['kind'], parentId: string | null = null, orderKey = 'a0'): Envelope {
  return { id, workspaceId: 'ws1', kind, marking: 'SECRET', portion: '(S)', originator: 'USA', parentId, orderKey, createdBy: 'usa-analyst', createdAt: '2026-03-01T12:00:00.000Z', epoch: 0 };
}

function picture(objects: Envelope[], titles: Record<string, string>): Picture {
  const docs = new Map(
    Object.entries(titles).map(([id, title]) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, buildContent({ fields: { title } }));
      return [id, { doc }];
    }),
  );
  return {
    editable: true,
    presence: new PresenceStore(),
    subscribe: () => () => undefined,
    getSnapshot: () => ({ status: 'live', workspace: null, level: null, objects, notices: [], shownFrom: null }),
    replica: (id) => docs.get(id) as ReturnType<Picture['replica']>,
  };
}

describe('objectLabel', () => {
  const report = envelope('r1', 'report');
  const first = envelope('p1', 'portion', 'r1', 'a0');
  const second = envelope('p2', 'portion', 'r1', 'a1');
  const orphan = envelope('p3', 'portion', 'gone');
  const view = picture([second, report, first, orphan, envelope('f1', 'feature')], { r1: 'Harbour summary', f1: '  Convoy ' });

  it('names a titled object by kind and title, an untitled one by kind', () => {
    expect(objectLabel(report, view)).toBe('report “Harbour summary”');
    expect(objectLabel(envelope('f1', 'feature'), view)).toBe('map feature “Convoy”');
    expect(objectLabel(envelope('n1', 'note'), view)).toBe('note');
  });

  it('names a paragraph by its stable name in its report, the same whoever reads it', () => {
    expect(objectLabel(first, view)).toBe(`paragraph ${paragraphName('p1')} of report “Harbour summary”`);
    expect(objectLabel({ ...second }, view)).toBe(`paragraph ${paragraphName('p2')} of report “Harbour summary”`);
    // Its report out of sight: no title to borrow.
    expect(objectLabel(orphan, view)).toBe('report paragraph');
  });
});
