// The audit page's detail column names other objects (a tearline's source, what a comment or a
// suggestion is on, an inject's items) by title from the reader's own picture, a paragraph by its
// stable name, never by raw id; one gone from the picture by its stable name only.
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { paragraphName } from '../../shared/paragraphName';
import type { Picture } from '../../client/src/session/picture';
import { PresenceStore } from '../../client/src/session/presenceStore';
import { detailText } from '../../client/src/audit/auditText';
import { objectNamer } from '../../client/src/workspace/objectLabel';

const ids = { report: 'e1f0c2a4-report', paragraph: '7b9d33e0-portion', gone: '0c1d2e3f-gone' };

function envelope(id: string, kind: Envelope['kind'], parentId: string | null = null): Envelope {
  return { id, workspaceId: 'ws1', kind, marking: 'SECRET', portion: '(S)', originator: 'USA', parentId, orderKey: 'a0', createdBy: 'usa-analyst', createdAt: '2026-03-01T12:00:00.000Z', epoch: 0 };
}

const objects = [envelope(ids.report, 'report'), envelope(ids.paragraph, 'portion', ids.report)];
const doc = new Y.Doc();
Y.applyUpdate(doc, buildContent({ fields: { title: 'Harbour summary' } }));
const picture: Picture = {
  editable: true,
  presence: new PresenceStore(),
  subscribe: () => () => undefined,
  getSnapshot: () => ({ status: 'live', workspace: null, level: null, objects, notices: [], pending: 0, shownFrom: null }),
  replica: (id) => (id === ids.report ? ({ doc } as ReturnType<Picture['replica']>) : undefined),
};
const nameOf = objectNamer(new Map(objects.map((o) => [o.id, o])), picture);

test('object ids in the detail are shown as titles and stable paragraph names', () => {
  const text = detailText({ kind: 'comment', marking: 'SECRET', on: ids.paragraph, sourceId: ids.report }, nameOf);
  expect(text).toBe(`kind: comment · marking: SECRET · on: paragraph ${paragraphName(ids.paragraph)} of report “Harbour summary” · from: report “Harbour summary”`);
  for (const id of Object.values(ids)) expect(text).not.toContain(id);
});

test('an object no longer in the picture is named by its stable name only; a list of items each by name', () => {
  const text = detailText({ injectId: 'I-01', objectIds: [ids.gone, ids.report] }, nameOf);
  expect(text).toBe(`injectId: I-01 · items: ${paragraphName(ids.gone)}, report “Harbour summary”`);
  expect(text).not.toContain(ids.gone);
});

test('a person a detail names by account id is shown by name and nation; one who never opened the cell by account id', () => {
  const people = { 'gbr-analyst': { name: 'Harriet Cole', nation: 'GBR' } };
  expect(detailText({ on: ids.paragraph, author: 'gbr-analyst' }, nameOf, people)).toBe(`on: paragraph ${paragraphName(ids.paragraph)} of report “Harbour summary” · author: Harriet Cole (GBR)`);
  expect(detailText({ author: 'jpn-analyst' }, nameOf, people)).toBe('author: jpn-analyst');
});
