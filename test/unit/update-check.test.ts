// The content model as the server enforces it: what an update may write where, and the bounds on
// the work one update may cause. Each refused case was accepted before and broke copying,
// releasing or starting the server.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, CONTENT_LIMITS, editableFieldText, fieldsOf } from '../../shared/content';
import { checkUpdate } from '../../server/objects/updateCheck';
import { TearlineError } from '../../server/errors';

/** The server's doc holding `base`, and a client replica of it. */
function pair(base = buildContent({ fields: { title: 'Harbour' }, body: 'Two frigates.' })): { server: Y.Doc; client: Y.Doc } {
  const server = new Y.Doc();
  const client = new Y.Doc();
  Y.applyUpdate(server, base);
  Y.applyUpdate(client, base);
  return { server, client };
}

/** The update a client's edit produces against the server's doc. */
function edit(client: Y.Doc, server: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const before = Y.encodeStateVector(server);
  client.transact(() => change(client));
  return Y.encodeStateAsUpdate(client, before);
}

function refusal(server: Y.Doc | null, update: Uint8Array): TearlineError {
  try {
    checkUpdate(server, update);
  } catch (error) {
    if (error instanceof TearlineError) return error;
    throw error;
  }
  throw new Error('the update was accepted');
}

describe('accepted: what people write', () => {
  test('typing, deleting and formatting the body and a title; JSON field values', () => {
    const { server, client } = pair();
    const updates = [
      edit(client, server, (doc) => bodyOf(doc).insert(4, 'Russian ')),
      edit(client, server, (doc) => bodyOf(doc).delete(0, 4)),
      edit(client, server, (doc) => bodyOf(doc).format(0, 7, { bold: true })),
      edit(client, server, (doc) => editableFieldText(doc, 'title').insert(7, ' approaches')),
      edit(client, server, (doc) => fieldsOf(doc).set('geometry', { type: 'Point', coordinates: [125.5, 26.2] })),
      edit(client, server, (doc) => fieldsOf(doc).set('when', '2026-11-30T07:00:00Z')),
      edit(client, server, (doc) => fieldsOf(doc).delete('when')),
    ];
    for (const update of updates) {
      expect(checkUpdate(server, update).clients).toEqual([client.clientID]);
      Y.applyUpdate(server, update);
    }
    expect(bodyOf(server).toString()).toBe(bodyOf(client).toString());
  });

  test('a plain string title (content stored before titles were text) becomes a Y.Text', () => {
    const doc = new Y.Doc();
    fieldsOf(doc).set('title', 'Old title');
    const { server, client } = pair(Y.encodeStateAsUpdate(doc));
    const update = edit(client, server, (d) => editableFieldText(d, 'title').insert(0, 'New: '));
    expect(() => checkUpdate(server, update)).not.toThrow();
  });
});

describe('refused: content the server could not copy', () => {
  test.each([
    ['a map embedded in the body', (doc: Y.Doc) => bodyOf(doc).insertEmbed(0, new Y.Map())],
    ['a text embedded in the body', (doc: Y.Doc) => bodyOf(doc).insertEmbed(0, new Y.Text('hidden'))],
    ['an embed object in the body', (doc: Y.Doc) => bodyOf(doc).insertEmbed(0, { image: 'x' })],
    ['a map in a field', (doc: Y.Doc) => fieldsOf(doc).set('extra', new Y.Map())],
    ['a list in a field', (doc: Y.Doc) => fieldsOf(doc).set('extra', new Y.Array())],
    ['a text under a field that is not text', (doc: Y.Doc) => fieldsOf(doc).set('geometry', new Y.Text('x'))],
    ['an XML text as a title', (doc: Y.Doc) => fieldsOf(doc).set('title', new Y.XmlText())],
    ['a number as a title', (doc: Y.Doc) => fieldsOf(doc).set('title', 42)],
    ['bytes in a field', (doc: Y.Doc) => fieldsOf(doc).set('blob', new Uint8Array([1, 2, 3]))],
    ['a subdocument', (doc: Y.Doc) => fieldsOf(doc).set('sub', new Y.Doc())],
    ['another root', (doc: Y.Doc) => doc.getMap('secret').set('k', 'v')],
    ['an attribute on the body', (doc: Y.Doc) => (doc.get('body', Y.XmlText) as Y.XmlText).setAttribute('a', 'b')],
  ])('%s', (_name, change) => {
    const server = new Y.Doc();
    const client = new Y.Doc();
    const update = edit(client, server, change);
    const error = refusal(server, update);
    expect(error.code).toBe('bad_update');
    expect(error.message).toMatch(/\w+ \w+/);
  });

  test('a field value nested deeper than the limit', () => {
    let value: unknown = 'leaf';
    for (let i = 0; i < CONTENT_LIMITS.maxJsonDepth + 1; i++) value = { inner: value };
    const update = edit(new Y.Doc(), new Y.Doc(), (doc) => fieldsOf(doc).set('geometry', value));
    expect(refusal(null, update).message).toContain(`${CONTENT_LIMITS.maxJsonDepth} levels`);
  });

  test('text added inside a type stored before these rules (found through its neighbour or its parent)', () => {
    const legacy = new Y.Doc();
    const embedded = new Y.Text('old');
    bodyOf(legacy).insertEmbed(0, embedded);
    const { server, client } = pair(Y.encodeStateAsUpdate(legacy));
    const inside = (doc: Y.Doc) => bodyOf(doc).toDelta()[0].insert as Y.Text;
    expect(refusal(server, edit(client, server, (doc) => inside(doc).insert(3, ' more'))).code).toBe('bad_update');
    expect(refusal(server, edit(client, server, (doc) => inside(doc).insert(0, 'first '))).code).toBe('bad_update');
  });

  test('a chain of 10,000 nested maps is refused at once, not applied for seconds', () => {
    const doc = new Y.Doc();
    doc.transact(() => {
      let current = new Y.Map<unknown>();
      fieldsOf(doc).set('x', current);
      for (let i = 0; i < 10_000; i++) {
        const next = new Y.Map<unknown>();
        current.set('k', next);
        current = next;
      }
    });
    expect(refusal(null, Y.encodeStateAsUpdate(doc)).code).toMatch(/bad_update|too_large/);
  });

  test('more separate pieces than the limit: too_large, naming it', () => {
    const { server, client } = pair(buildContent({ body: 'x'.repeat(CONTENT_LIMITS.maxStructs + 10) }));
    // Every other character gets a one-character insert: none of them merge into one run.
    const update = edit(client, server, (doc) => {
      for (let i = 0; i <= CONTENT_LIMITS.maxStructs; i++) bodyOf(doc).insert(i * 2, 'y');
    });
    const error = refusal(server, update);
    expect(error.code).toBe('too_large');
    expect(error.message).toContain(String(CONTENT_LIMITS.maxStructs));
  });

  test('more separate deleted ranges than the limit: too_large', () => {
    const { server, client } = pair(buildContent({ body: 'xy'.repeat(CONTENT_LIMITS.maxDeleteRanges + 10) }));
    const update = edit(client, server, (doc) => {
      for (let i = 0; i <= CONTENT_LIMITS.maxDeleteRanges; i++) bodyOf(doc).delete(i, 1);
    });
    expect(refusal(server, update).code).toBe('too_large');
  });

  test('malformed and truncated updates', () => {
    const update = buildContent({ body: 'hello' });
    expect(refusal(null, update.slice(0, update.length - 3)).code).toBe('bad_update');
    expect(refusal(null, new Uint8Array([255, 255, 255, 255, 15])).code).toMatch(/bad_update|too_large/);
  });
});

describe('map geometry: only shapes with one right reading are stored', () => {
  const square = [[125, 26], [126, 26], [126, 27], [125, 27], [125, 26]];
  test('a point, a line and an area either way round are accepted (winding is made right on read)', () => {
    for (const geometry of [
      { type: 'Point', coordinates: [125.5, 26.2] },
      { type: 'LineString', coordinates: [[125, 26], [126, 27]] },
      { type: 'Polygon', coordinates: [square] },
      { type: 'Polygon', coordinates: [[...square].reverse()] },
    ]) {
      const { server, client } = pair();
      expect(() => checkUpdate(server, edit(client, server, (doc) => fieldsOf(doc).set('geometry', geometry)))).not.toThrow();
    }
  });

  test('a self-crossing area, a flat one, a latitude past the pole and a non-shape are refused', () => {
    for (const geometry of [
      { type: 'Polygon', coordinates: [[[125, 26], [126, 27], [126, 26], [125, 27], [125, 26]]] },
      { type: 'Polygon', coordinates: [[[125, 26], [126, 26], [127, 26], [125, 26]]] },
      { type: 'Point', coordinates: [125, 95] },
      'somewhere east',
    ]) {
      const { server, client } = pair();
      const error = refusal(server, edit(client, server, (doc) => fieldsOf(doc).set('geometry', geometry)));
      expect(error.code).toBe('bad_update');
      expect(error.message).toMatch(/map position was not saved/);
    }
  });

  test('a bad shape sent beside a good one (two writers merged into one update) is refused', () => {
    const { server, client } = pair();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
    const bad = edit(client, server, (doc) => fieldsOf(doc).set('geometry', { type: 'Point', coordinates: [125, 95] }));
    const good = edit(other, server, (doc) => fieldsOf(doc).set('geometry', { type: 'Point', coordinates: [125, 26] }));
    expect(refusal(server, Y.mergeUpdates([good, bad])).code).toBe('bad_update');
  });
});
