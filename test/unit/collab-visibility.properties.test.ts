// For any generated cell (reports, paragraphs, notes, RFIs and comment threads with random
// markings, some released from a narrower marking) and any participant: the notifications they
// are given, the search results over their own picture and the history entries they read never
// name an object they may not see, nor an object as it was while they could not see it. The
// notifier is driven through its ports with in-memory listeners; search runs over exactly the
// objects the server releases to them; history goes through the server's history service behind
// the same object check history:list and history:version make (server/handlers/dispatch.ts).
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf } from '../../shared/content';
import { canSee, defaultPolicy, formatBanner, formatPortion, parseMarking, type Participant } from '../../shared/markings';
import type { Notification, NotificationTarget } from '../../shared/notifications';
import type { Envelope, ObjectKind } from '../../shared/protocol';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { createNotifier } from '../../server/notifications/service';
import type { NotificationStore, StoredNotification } from '../../server/notifications/store';
import { buildIndex, search, searchDoc } from '../../client/src/search/searchIndex';
import { findVersion, listVersions, viewVersion, type HistoryPorts } from '../../server/history/service';
import type { HistoryEntry } from '../../server/store/types';
import type { Cell } from '../../server/workspaces/cellRegistry';

const MARKINGS = ['UNCLASSIFIED', 'SECRET//NOFORN', 'SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, FVEY', 'CONFIDENTIAL//REL TO USA, JPN', 'TOP SECRET//SI//REL TO USA, GBR', 'SECRET//REL TO USA, GBR, JPN'];
const NATIONS = ['USA', 'GBR', 'JPN', 'AUS'];
const PEOPLE: (Participant & { sub: string; fdo: boolean })[] = [
  { sub: 'usa-ts', nation: 'USA', clearance: 'TS', compartments: ['SI'], fdo: true },
  { sub: 'usa-s', nation: 'USA', clearance: 'S', compartments: [], fdo: false },
  { sub: 'gbr', nation: 'GBR', clearance: 'TS', compartments: [], fdo: true },
  { sub: 'jpn', nation: 'JPN', clearance: 'S', compartments: [], fdo: false },
  { sub: 'aus', nation: 'AUS', clearance: 'S', compartments: [], fdo: true },
];

const objectArb = fc.record({ kind: fc.constantFrom<ObjectKind>('report', 'portion', 'note', 'rfi', 'comment'), marking: fc.nat({ max: MARKINGS.length - 1 }), parent: fc.nat(), originator: fc.constantFrom(...NATIONS), releasedFrom: fc.option(fc.nat({ max: MARKINGS.length - 1 }), { nil: undefined }), writers: fc.array(fc.nat(), { maxLength: 3 }) });
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
      epoch: spec.releasedFrom === undefined ? 0 : 1,
    });
  });
  return out;
}

/**
 * An object's stored history: its first content, edits by generated writers, and for a released
 * object an epoch 0 whose text (`early<id>x`) was written while it was marked `releasedFrom`.
 */
function historyOf(envelope: Envelope, spec: ObjectSpec, chain: Envelope[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  const doc = new Y.Doc();
  const write = (epoch: number, kind: HistoryEntry['kind'], author: string, text: string, before: HistoryEntry['before']) => {
    const sv = Y.encodeStateVector(doc);
    bodyOf(doc).insert(bodyOf(doc).length, text);
    entries.push({ epoch, kind, seq: entries.length, at: new Date(entries.length).toISOString(), author, data: Y.encodeStateAsUpdate(doc, kind === 'base' ? undefined : sv), before });
  };
  let epoch = 0;
  if (spec.releasedFrom !== undefined) {
    write(0, 'base', 'usa-ts', `early${envelope.id}x `, null);
    bodyOf(doc).delete(0, bodyOf(doc).length);
    epoch = 1;
    const before = [{ marking: MARKINGS[spec.releasedFrom]!, originator: envelope.originator }, ...chain.slice(1).map((e) => ({ marking: e.marking, originator: e.originator }))];
    const copy = Y.encodeStateAsUpdate(doc);
    entries.push({ epoch, kind: 'base', seq: entries.length, at: new Date(entries.length).toISOString(), author: '', data: copy, before });
  } else {
    write(0, 'base', 'usa-ts', '', null);
  }
  write(epoch, 'update', 'usa-ts', `word${envelope.id}x `, null);
  for (const w of spec.writers) write(epoch, 'update', PEOPLE[w % PEOPLE.length]!.sub, `by${w}`, null);
  return entries;
}

/** Everything history:list and history:version answer `person` about `id`, or undefined where the object check answers not_found. */
async function historyAnswers(ports: HistoryPorts, cell: Cell, person: Participant, id: string): Promise<unknown[] | undefined> {
  const object = cell.index.get(id);
  if (!object || !cell.index.canSee(person, id)) return undefined;
  const versions = await listVersions(ports, cell, person, object);
  const views = await Promise.all(versions.map(async (v) => viewVersion(ports, cell, await findVersion(ports, cell, person, object, v.id))));
  return [versions, views];
}

const canSeeMarking = (person: Participant, link: Pick<Envelope, 'marking' | 'originator'>): boolean =>
  canSee(person, { ...parseMarking(link.marking), originator: link.originator }, defaultPolicy);

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

test('notifications, search results and history entries never name an object the recipient may not see', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(objectArb, { minLength: 1, maxLength: 16 }),
      fc.array(fc.record({ target: targetArb, object: fc.nat() }), { maxLength: 20 }),
      async (specs, sends) => {
        const envelopes = cellOf(specs);
        if (envelopes.length === 0) return;
        const index = new ObjectIndex(defaultPolicy, envelopes);
        const cell = { workspace: { id: 'cell' }, policy: defaultPolicy, index } as unknown as Cell;
        const chainOf = (e: Envelope): Envelope[] => (e.parentId ? [e, ...chainOf(index.get(e.parentId)!.envelope)] : [e]);
        const histories = new Map(envelopes.map((e) => [e.id, historyOf(e, specs[Number(e.id.slice(3))]!, chainOf(e))]));
        const ports: HistoryPorts = {
          store: { loadHistory: async (id) => histories.get(id) ?? [] },
          people: { person: async (_cell, sub) => PEOPLE.filter((p) => p.sub === sub).map((p) => ({ sub, name: `Name-${sub}`, participant: p }))[0] },
        };
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

          // History: asked of every object, answered only for those in the picture, naming none
          // outside it, nor a visible object's text from an epoch this person could not see.
          for (const envelope of envelopes) {
            const answers = await historyAnswers(ports, cell, person, envelope.id);
            expect(answers !== undefined).toBe(index.canSee(person, envelope.id));
            if (!answers) continue;
            const json = JSON.stringify(answers);
            expect(json).toContain(`word${envelope.id}x`);
            for (const other of envelopes) {
              if (index.canSee(person, other.id)) continue;
              expect(json, `${person.sub} read history naming ${other.id}`).not.toMatch(new RegExp(`(word|early)${other.id}x|"${other.id}"`));
            }
            const before = histories.get(envelope.id)!.find((e) => e.before)?.before;
            const sawBefore = !before || before.every((link) => canSeeMarking(person, link));
            if (!sawBefore) expect(json, `${person.sub} read ${envelope.id} as it was before it was released to them`).not.toContain(`early${envelope.id}x`);
          }
        }
      },
    ),
    { numRuns: 80 },
  );
});
