// For any sequence of edits, narrowings and releases of an object: the history a level reads
// (server/history/versions.ts) starts at the epoch from which it could see the object all along,
// holds no entry written while it could not see the object, no text that was never releasable to
// it (written for it, or in the content a release handed it), and no writer or time from before.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, encodeFreshContent } from '../../shared/content';
import { canSee, parseMarking } from '../../shared/markings';
import { attributedRuns, firstVisibleEpoch, rebuild, storedVersions, textsOf } from '../../server/history/versions';
import type { HistoryEntry, StoredChain } from '../../server/store/types';

const PARTNERS = ['AUS', 'GBR', 'JPN'] as const;
const NATIONS = ['USA', ...PARTNERS];

type Step =
  | { kind: 'insert'; by: number; at: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'narrow'; drop: number }
  | { kind: 'widen'; add: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), by: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('narrow' as const), drop: fc.nat() }),
  fc.record({ kind: fc.constant('widen' as const), add: fc.nat() }),
);

const markingOf = (audience: ReadonlySet<string>): string => {
  const partners = PARTNERS.filter((nation) => audience.has(nation));
  return partners.length === 0 ? 'SECRET//NOFORN' : `SECRET//REL TO USA, ${partners.join(', ')}`;
};

const sees = (nation: string, chain: StoredChain): boolean =>
  chain.every((link) => canSee({ nation, clearance: 'SECRET', compartments: [] }, { ...parseMarking(link.marking), originator: link.originator }));

test('a level never reads history from before it could see the object, nor text never releasable to it', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.constantFrom(...PARTNERS), { maxLength: 3 }), fc.array(stepArb, { maxLength: 25 }), (initial, steps) => {
      let audience = new Set<string>(['USA', ...initial]);
      let epoch = 0;
      let seq = 0;
      let live = new Y.Doc();
      bodyOf(live).insert(0, '[T0]');
      const entries: HistoryEntry[] = [{ epoch: 0, kind: 'base', seq: 0, at: 't0', author: 'usa', data: Y.encodeStateAsUpdate(live), before: null }];
      /** Per entry time: who could see the object when it was written. */
      const writtenFor = new Map<string, ReadonlySet<string>>([['t0', audience]]);
      /** Per token: who it was ever releasable to (written for, or in content a release handed over). */
      const releasable = new Map<string, Set<string>>([['[T0]', new Set(audience)]]);
      /** The audience after each step, with its epoch (within an epoch it only narrows). */
      const states: { epoch: number; audience: ReadonlySet<string> }[] = [{ epoch, audience }];
      let tokens = 1;
      for (const step of steps) {
        if (step.kind === 'insert' || step.kind === 'delete') {
          const members = [...audience];
          const writer = step.kind === 'insert' ? members[step.by % members.length]! : 'USA';
          const doc = new Y.Doc();
          Y.applyUpdate(doc, Y.encodeStateAsUpdate(live));
          const before = Y.encodeStateVector(doc);
          const text = bodyOf(doc);
          if (step.kind === 'insert') {
            const token = `[T${tokens++}]`;
            const current = text.toString();
            const boundaries = [0, ...[...current.matchAll(/\]/g)].map((m) => m.index + 1)];
            text.insert(boundaries[step.at % boundaries.length]!, token);
            releasable.set(token, new Set(audience));
          } else {
            const present = [...text.toString().matchAll(/\[T\d+\]/g)];
            if (present.length === 0) continue;
            const match = present[step.pick % present.length]!;
            text.delete(match.index, match[0].length);
          }
          const update = Y.encodeStateAsUpdate(doc, before);
          Y.applyUpdate(live, update);
          const at = `t${++seq}`;
          entries.push({ epoch, kind: 'update', seq, at, author: writer.toLowerCase(), data: update, before: null });
          writtenFor.set(at, audience);
        } else {
          const outside = PARTNERS.filter((nation) => !audience.has(nation));
          const inside = PARTNERS.filter((nation) => audience.has(nation));
          if (step.kind === 'narrow') {
            if (inside.length === 0) continue;
            audience = new Set([...audience].filter((nation) => nation !== inside[step.drop % inside.length]));
          } else {
            if (outside.length === 0) continue;
            const before: StoredChain = [{ marking: markingOf(audience), originator: 'USA' }];
            audience = new Set([...audience, outside[step.add % outside.length]!]);
            epoch++;
            const copy = encodeFreshContent(live);
            live = new Y.Doc();
            Y.applyUpdate(live, copy);
            for (const token of bodyOf(live).toString().match(/\[T\d+\]/g) ?? []) for (const nation of audience) releasable.get(token)!.add(nation);
            const at = `t${++seq}-release`;
            entries.push({ epoch, kind: 'base', seq, at, author: '', data: copy, before });
            writtenFor.set(at, audience);
          }
        }
        states.push({ epoch, audience });
      }

      for (const nation of NATIONS.filter((n) => audience.has(n))) {
        const from = firstVisibleEpoch(entries, epoch, (chain) => sees(nation, chain));
        // The model's answer: the earliest epoch of the unbroken run of states it could see.
        let joined = epoch;
        for (let i = states.length - 1; i >= 0 && states[i]!.audience.has(nation); i--) joined = states[i]!.epoch;
        expect(from).toBe(joined);
        for (const version of storedVersions(entries, from, epoch)) {
          for (const entry of version.entries) expect(writtenFor.get(entry.at)!.has(nation)).toBe(true);
          const { doc, writers } = rebuild(version);
          for (const { text } of textsOf(doc)) {
            for (const run of attributedRuns(text, writers)) {
              for (const token of run.text.match(/\[T\d+\]/g) ?? []) expect(releasable.get(token)!.has(nation), `${token} for ${nation}`).toBe(true);
              expect(run.writer === '' || entries.some((entry) => entry.epoch >= from && entry.author === run.writer)).toBe(true);
            }
          }
          doc.destroy();
        }
      }
    }),
    { numRuns: 150 },
  );
});
