// A long offline session: the edits a replica resends after a reconnect are each accepted by the
// server's update check. Folded into one update they used to exceed the pieces one update may
// carry, and the refused update took every offline edit with it.
import { expect, test } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent, CONTENT_LIMITS } from '../../shared/content';
import { ObjectReplica } from '../../client/src/session/replica';
import { checkUpdate } from '../../server/objects/updateCheck';

test('unacknowledged edits are resent in updates the server accepts, and together give the same text', () => {
  const base = buildContent({ body: 'x'.repeat(CONTENT_LIMITS.maxStructs * 2) });
  const replica = new ObjectReplica('o', 0, base, () => undefined);
  // One keystroke every other character: no two of them merge into one run.
  for (let i = 0; i < CONTENT_LIMITS.maxStructs * 1.5; i++) bodyOf(replica.doc).insert(i * 2, 'y');

  const server = new Y.Doc();
  Y.applyUpdate(server, base);
  const resent = replica.mergeUnacked();
  expect(resent.length).toBeGreaterThan(1);
  for (const update of resent) {
    expect(() => checkUpdate(server, update)).not.toThrow();
    Y.applyUpdate(server, update);
  }
  expect(bodyOf(server).toString()).toBe(bodyOf(replica.doc).toString());
  expect(replica.unacked).toEqual(resent);
});
