// Invariant 6: nobody writes as someone else. A hostile participant who writes with another's Yjs
// client id used to make the victim's next acknowledged edit vanish (the server already held
// that clock) and replicas diverge. Property: whatever the schedule, every acknowledged edit stays
// and every replica converges on the server's content. (A hostile who writes first with an id a
// victim has not used yet takes it: the victim is refused, clearly, and edits under a new id.)
import path from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { DocRegistry } from '../../server/objects/docRegistry';
import { TearlineError } from '../../server/errors';
import { SqliteStore } from '../../server/store/sqliteStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import { noteEnvelope } from '../helpers/envelopes';
import { tempDir } from '../helpers/server';

const envelope = noteEnvelope('shared', { marking: 'SECRET//REL TO USA, GBR', portion: '(S//REL TO USA, GBR)', createdBy: 'usa', createdAt: '2026-11-30T00:00:00Z' });

const PEOPLE = ['usa', 'gbr', 'hostile'] as const;

const step = fc.record({
  who: fc.constantFrom(...PEOPLE),
  /** Whether the writer first catches up with the server (otherwise it writes concurrently). */
  sync: fc.boolean(),
  /** For the hostile one: whose client id to write with (its own when null). */
  impersonate: fc.constantFrom(null, 'usa', 'gbr'),
  at: fc.nat(),
});

test('writing with another participant’s client id is refused; every acknowledged edit stays and replicas converge', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
      const store = new SqliteStore(path.join(tempDir(), `ids-${run++}.db`), { sync: 'normal' });
      const compactionErrors: unknown[] = [];
      const base = buildContent({ body: 'base' });
      await store.createObjects([{ envelope, content: base, author: 'usa', clients: [] }]);
      const docs = new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), { compactAfter: 7, idleMs: 60_000, maxDocBytes: 1 << 20, onCompactionError: (error) => compactionErrors.push(error) });
      const replicas = new Map<string, Y.Doc>(PEOPLE.map((who) => [who, new Y.Doc()]));
      for (const replica of replicas.values()) Y.applyUpdate(replica, base);
      const acknowledged: string[] = [];
      /** Who first wrote with each client id. */
      const owners = new Map<number, string>();
      const catchUp = async (replica: Y.Doc) => Y.applyUpdate(replica, (await docs.encodeState('shared', Y.encodeStateVector(replica))).update);

      for (const [i, { who, sync, impersonate, at }] of steps.entries()) {
        const token = `<${who}${i}>`;
        let writer = replicas.get(who)!;
        if (who === 'hostile' && impersonate) {
          // A copy of what the server holds, writing under the victim's id at the victim's next clock.
          writer = new Y.Doc();
          Y.applyUpdate(writer, (await docs.encodeState('shared')).update);
          // Set after loading: Yjs gives a doc a new id when it receives structs of its own.
          writer.clientID = replicas.get(impersonate)!.clientID;
        } else if (sync) {
          await catchUp(writer);
        }
        const before = Y.encodeStateVector(writer);
        // At either end, so no edit splits another's token.
        bodyOf(writer).insert(at % 2 === 0 ? 0 : bodyOf(writer).length, token);
        const update = Y.encodeStateAsUpdate(writer, before);
        try {
          await docs.update('shared', 0, update, who);
          acknowledged.push(token);
          if (!owners.has(writer.clientID)) owners.set(writer.clientID, who);
        } catch (error) {
          if (!(error instanceof TearlineError)) throw error;
          // Refused only when the id was first used by someone else, whoever sent it.
          expect(error.code).toBe('bad_update');
          expect(owners.get(writer.clientID) ?? who).not.toBe(who);
          if (writer === replicas.get(who)) {
            // The web client's answer to this refusal: reload the object and edit under a new id.
            const fresh = new Y.Doc();
            Y.applyUpdate(fresh, (await docs.encodeState('shared')).update);
            replicas.set(who, fresh);
          }
        }
      }
      const final = bodyOf((await docs.open('shared')).doc).toString();
      for (const token of acknowledged) expect(final).toContain(token);
      for (const replica of replicas.values()) {
        await catchUp(replica);
        expect(bodyOf(replica).toString()).toBe(final);
      }
      expect(compactionErrors).toEqual([]);
      docs.destroy();
      await store.close();
    }),
    { numRuns: 60, seed: 6 },
  );
});
