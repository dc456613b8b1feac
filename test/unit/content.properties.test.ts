// Whatever the update check accepts, the server can copy (release, tearline), export and restore,
// faithfully: a property over generated edits from several clients, hostile ones included.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, cloneContent, editableFieldText, encodeFreshContent, fieldsOf, visibleText } from '../../shared/content';
import { checkUpdate } from '../../server/objects/updateCheck';
import { TearlineError } from '../../server/errors';

const text = fc.string({ maxLength: 12 });
const json = fc.jsonValue({ maxDepth: 4 }).filter((value) => !Object.is(value, -0));
const fieldKey = fc.constantFrom('title', 'name', 'answer', 'geometry', 'when', 'status', 'symbol');
const attributes = fc.dictionary(fc.constantFrom('bold', 'italic', 'link', 'x'), fc.oneof(fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null)), { maxKeys: 2 });

type Op = (doc: Y.Doc) => void;

const position = (length: number, at: number) => (length === 0 ? 0 : at % (length + 1));

/** Edits a person can make through the content model. */
const allowed: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.nat(), text).map(([at, s]): Op => (doc) => bodyOf(doc).insert(position(bodyOf(doc).length, at), s)),
  fc.tuple(fc.nat(), fc.nat({ max: 5 })).map(([at, n]): Op => (doc) => {
    const body = bodyOf(doc);
    const from = position(body.length, at);
    body.delete(from, Math.min(n, body.length - from));
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 6 }), attributes).map(([at, n, attrs]): Op => (doc) => {
    const body = bodyOf(doc);
    const from = position(body.length, at);
    body.format(from, Math.min(n, body.length - from), attrs);
  }),
  fc.tuple(fc.constantFrom('title', 'name', 'answer'), fc.nat(), text).map(([key, at, s]): Op => (doc) => {
    const field = editableFieldText(doc, key);
    field.insert(position(field.length, at), s);
  }),
  fc.tuple(fieldKey, json).map(([key, value]): Op => (doc) => {
    if (!['title', 'name', 'answer'].includes(key)) fieldsOf(doc).set(key, value);
  }),
  fc.tuple(fc.constantFrom('title', 'name', 'answer'), text).map(([key, s]): Op => (doc) => fieldsOf(doc).set(key, s)),
  fieldKey.map((key): Op => (doc) => fieldsOf(doc).delete(key)),
);

/** Edits a hostile or careless client can send: shared types where they do not belong. */
const hostile: fc.Arbitrary<Op> = fc.oneof(
  fc.nat().map((at): Op => (doc) => bodyOf(doc).insertEmbed(position(bodyOf(doc).length, at), new Y.Text('embedded'))),
  fc.nat().map((at): Op => (doc) => bodyOf(doc).insertEmbed(position(bodyOf(doc).length, at), new Y.Map())),
  fc.tuple(fc.nat(), json).map(([at, value]): Op => (doc) => bodyOf(doc).insertEmbed(position(bodyOf(doc).length, at), { value })),
  fieldKey.map((key): Op => (doc) => fieldsOf(doc).set(key, new Y.Map())),
  fieldKey.map((key): Op => (doc) => fieldsOf(doc).set(key, new Y.Array())),
  fc.constantFrom('geometry', 'when').map((key): Op => (doc) => fieldsOf(doc).set(key, new Y.Text('x'))),
  fc.constant<Op>((doc) => fieldsOf(doc).set('title', new Y.XmlText())),
  fc.constant<Op>((doc) => fieldsOf(doc).set('blob', new Uint8Array([1]))),
);

/** Everything a reader sees of a doc: fields (texts as deltas) and the body with formatting. */
function visible(doc: Y.Doc): unknown {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of fieldsOf(doc).entries()) fields[key] = value instanceof Y.Text ? value.toDelta() : value;
  return { fields, body: bodyOf(doc).toDelta() };
}

test('accepted content is copied, re-accepted as new content, and restored exactly', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat({ max: 2 }), fc.oneof({ weight: 4, arbitrary: allowed }, { weight: 1, arbitrary: hostile })), { minLength: 1, maxLength: 30 }),
      (steps) => {
        const server = new Y.Doc();
        const clients = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
        for (const [who, op] of steps) {
          const client = clients[who]!;
          const before = Y.encodeStateVector(server);
          client.transact(() => op(client));
          const update = Y.encodeStateAsUpdate(client, before);
          try {
            checkUpdate(server, update);
            Y.applyUpdate(server, update);
          } catch (error) {
            if (!(error instanceof TearlineError)) throw error;
            // A refused client starts over from what the server holds, as the web client does.
            clients[who] = new Y.Doc();
          }
          Y.applyUpdate(clients[who]!, Y.encodeStateAsUpdate(server));
        }
        const copy = cloneContent(server);
        expect(visible(copy)).toEqual(visible(server));
        expect(visibleText(copy)).toBe(visibleText(server));
        // A tearline or a new epoch is created from this copy: it must pass the same gate.
        const fresh = encodeFreshContent(server);
        expect(() => checkUpdate(null, fresh)).not.toThrow();
        const restored = new Y.Doc();
        Y.applyUpdate(restored, Y.encodeStateAsUpdate(server));
        expect(visible(restored)).toEqual(visible(server));
        expect(visible(cloneContent(copy))).toEqual(visible(server));
      },
    ),
    { numRuns: 300, seed: 20261130 },
  );
});
