// For any generated cell (reports, paragraphs, notes, RFIs and comment threads with random
// markings) and any participant: the notifications they are given and the search results over
// their own picture never name an object they may not see. The notifier is driven through its
// ports with in-memory listeners; search runs over exactly the objects the server releases to them.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf } from '../../shared/content';
import { defaultPolicy, formatBanner, formatPortion, parseMarking, type Participant } from '../../shared/markings';
import type { Notification, NotificationTarget } from '../../shared/notifications';
import type { Envelope, ObjectKind } from '../../shared/protocol';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { createNotifier } from '../../server/notifications/service';
import type { NotificationStore, StoredNotification } from '../../server/notifications/store';
import { buildIndex, search, searchDoc } from '../../client/src/search/searchIndex';

const MARKINGS = ['UNCLASSIFIED', 'SECRET//NOFORN', 'SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, FVEY', 'CONFIDENTIAL//REL TO USA, JPN', 'TOP SECRET//SI//REL TO USA, GBR', 'SECRET//REL TO USA, GBR, JPN'];
const NATIONS = ['USA', 'GBR', 'JPN', 'AUS'];
const PEOPLE: (Participant & { sub: string; fdo: boolean })[] = [
  { sub: 'usa-ts', nation: 'USA', clearance: 'TS', compartments: ['SI'], fdo: true },
  { sub: 'usa-s', nation: 'USA', clearance: 'S', compartments: [], fdo: false },
  { sub: 'gbr', nation: 'GBR', clearance: 'TS', compartments: [], fdo: true },
  { sub: 'jpn', nation: 'JPN', clearance: 'S', compartments: [], fdo: false },
  { sub: 'aus', nation: 'AUS', clearance: 'S', compartments: [], fdo: true },
];

const objectArb = fc.record({ kind: fc.constantFrom<ObjectKind>('report', 'portion', 'note', 'rfi', 'comment'), marking: fc.nat({ max: MARKINGS.length - 1 }), parent: fc.nat(), originator: fc.constantFrom(...NATIONS) });
const targetArb: fc.Arbitrary<NotificationTarget> = fc.oneof(
  fc.record({ kind: fc.constant('person' as const), sub: fc.constantFrom(...PEOPLE.map((p) => p.sub)) }),
  fc.record({ kind: fc.constant('nation' as const), nation: fc.constantFrom(...NATIONS) }),
  fc.record({ kind: fc.constant('fdos' as const), nation: fc.constantFrom(...NATIONS) }),
);

type ObjectSpec = typeof objectArb extends fc.Arbitrary<infer T> ? T : never;

function cellOf(specs: ObjectSpec[]): Envelope[] {
  const out: Envelope[] = [];
  specs.forEach((spec, i) => {
    const parents = out.filter((o) => (spec.kind === 'portion' ? o.kind === 'report' : spec.kind === 'comment'));
    const parent = parents.length > 0 ? parents[spec.parent % parents.length] : undefined;
    if ((spec.kind === 'portion' || spec.kind === 'comment') && !parent) return;
    const marking = parseMarking(MARKINGS[spec.marking]!);
    out.push({
      id: `obj${i}`,
      workspaceId: 'cell',
      kind: spec.kind,
      marking: formatBanner(marking),
      portion: formatPortion(marking),
      originator: spec.originator,
      parentId: parent?.id ?? null,
      orderKey: `a${i}`,
      createdBy: 'usa-ts',
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      epoch: 0,
    });
  });
  return out;
}

function memoryStore(): NotificationStore {
  const stored: StoredNotification[] = [];
  return {
    add: async (items) => void stored.push(...items),
    forReader: async (_cell, reader) =>
      stored
        .filter(({ target }) => (target.kind === 'person' ? target.sub === reader.sub : target.nation === reader.nation && (target.kind === 'nation' || reader.fdo)))
        .map(({ notification }) => ({ ...notification, read: false })),
    markRead: async () => undefined,
    rememberPerson: async () => undefined,
    person: async () => undefined,
  };
}

test('notifications and search results never name an object the recipient may not see', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 16 }),
      fc.array(fc.record({ target: targetArb, object: fc.nat() }), { maxLength: 20 }),
      async (specs, sends) => {
        const envelopes = cellOf(specs);
        if (envelopes.length === 0) return;
        const index = new ObjectIndex(defaultPolicy, envelopes);
        const received = new Map<string, Notification[]>(PEOPLE.map((p) => [p.sub, []]));
        const notifier = createNotifier({
          store: memoryStore(),
          index: async () => index,
          listeners: async () =>
            PEOPLE.map((p) => ({ reader: { sub: p.sub, nation: p.nation, fdo: p.fdo }, participant: p, emit: (n: Notification) => received.get(p.sub)!.push(n) })),
        });
        for (const [i, send] of sends.entries()) {
          const objectId = envelopes[send.object % envelopes.length]!.id;
          await notifier.send([{ target: send.target, notification: { id: `n${i}`, workspaceId: 'cell', kind: 'mention', objectId, at: new Date(i).toISOString(), actor: null } }]);
        }
        for (const person of PEOPLE) {
          const listed = await notifier.list('cell', index, { sub: person.sub, nation: person.nation, fdo: person.fdo }, person);
          for (const n of [...received.get(person.sub)!, ...listed]) expect(index.canSee(person, n.objectId), `${person.sub} told of ${n.objectId}`).toBe(true);

          // The picture the server gives this person, each object's text holding its own word.
          const picture = envelopes.filter((e) => index.canSee(person, e.id));
          const searchIndex = buildIndex(
            picture.map((e) => {
              const doc = new Y.Doc();
              bodyOf(doc).insert(0, `word${e.id}x shared text`);
              return searchDoc(e, doc);
            }),
          );
          for (const envelope of envelopes) {
            const hits = search(searchIndex, `word${envelope.id}x`);
            for (const hit of hits) expect(index.canSee(person, hit.id)).toBe(true);
            if (!index.canSee(person, envelope.id)) expect(hits.map((h) => h.id)).not.toContain(envelope.id);
          }
          expect(search(searchIndex, 'shared').map((h) => h.id).sort()).toEqual(picture.map((e) => e.id).sort());
        }
      },
    ),
    { numRuns: 80 },
  );
});
