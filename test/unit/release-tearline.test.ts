import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, fieldsOf, visibleText } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import { tearlinePayload } from '../../server/release/tearline';

const source: Envelope = {
  id: 'src-1',
  workspaceId: 'ws-1',
  kind: 'portion',
  marking: 'SECRET//NOFORN',
  portion: '(S//NF)',
  originator: 'USA',
  parentId: 'report-1',
  orderKey: 'a0',
  createdBy: 'usa-analyst',
  createdAt: '2025-03-01T08:00:00.000Z',
  epoch: 2,
};

// gc off, as for a doc that keeps history: its own updates still carry the deleted text.
function editedSource(): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  fieldsOf(doc).set('title', 'Convoy sighting');
  fieldsOf(doc).set('source', 'CANARY-SOURCE-NAME');
  bodyOf(doc).insert(0, 'Convoy of 12 trucks seen by CANARY-ASSET near the bridge.');
  // Sanitising in the source before the tearline is taken: the deleted text must not travel.
  fieldsOf(doc).delete('source');
  const body = bodyOf(doc);
  const at = body.toString().indexOf(' by CANARY-ASSET');
  body.delete(at, ' by CANARY-ASSET'.length);
  return doc;
}

describe('tearlinePayload', () => {
  it("keeps the source's kind, place and marking: creating a tearline releases nothing", () => {
    const { content, ...rest } = tearlinePayload(source, editedSource());
    expect(rest).toEqual({ workspaceId: 'ws-1', kind: 'portion', marking: 'SECRET//NOFORN', parentId: 'report-1' });
    expect(content).toBeInstanceOf(Uint8Array);
  });

  it('copies the current content only: no deleted text and none of the source client ids', () => {
    const sourceDoc = editedSource();
    const { content } = tearlinePayload(source, sourceDoc);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, content!);
    expect(visibleText(copy)).toBe(visibleText(sourceDoc));
    expect(fieldsOf(copy).get('title')).toBe('Convoy sighting');
    expect(Buffer.from(Y.encodeStateAsUpdate(sourceDoc)).toString('latin1')).toContain('CANARY');
    expect(Buffer.from(content!).toString('latin1')).not.toContain('CANARY');
    const sourceClients = new Set(Y.decodeStateVector(Y.encodeStateVector(sourceDoc)).keys());
    for (const client of Y.decodeStateVector(Y.encodeStateVector(copy)).keys()) expect(sourceClients.has(client)).toBe(false);
  });

  it('leaves out the parent for a top-level object', () => {
    expect(tearlinePayload({ ...source, kind: 'note', parentId: null }, new Y.Doc())).not.toHaveProperty('parentId');
  });
});
