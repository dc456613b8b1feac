// Presence across nodes is filtered by the receiving node with its own envelopes (issue 14). A
// narrowing re-mark on node A, then a USA participant on node B (which has not heard of the
// re-mark yet: its reads of the envelope are held back) moves a cursor inside the object: the
// partner who lost the object, on nodes A and C, gets the presence without the pointer. With
// presence filtered by the sending node, node B's stale envelope would have let it through.
// Each test starts its own redis-server and database; skipped without them locally, never in CI.
import { describe, expect, test } from 'vitest';
import { buildContent } from '../../shared/content';
import type { Envelope, PresenceState } from '../../shared/protocol';
import { PostgresStore } from '../../server/store/postgresStore';
import { useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { createCell, tokenFor } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

describe.skipIf(skipped)('presence across nodes', () => {
  const nodes = useCluster();

  test('a narrowing re-mark on node A, then presence on a node B that is behind: the partner who lost the object never gets the pointer', async () => {
    const [a, b, c] = await nodes.start({ nodes: 3 });
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Presence', template: 'adhoc', members: ['USA', 'GBR'] });
    const remarker = await nodes.open(a!.url, 'usa-analyst', cell.id);
    const mover = await nodes.open(b!.url, 'usa-analyst', cell.id);
    const watcher = await nodes.open(a!.url, 'usa-analyst', cell.id);
    const partners = await Promise.all([a!, c!].map((node) => nodes.open(node.url, 'gbr-analyst', cell.id)));
    const { object } = await remarker.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'shared ' }) });
    for (const client of [mover, watcher, ...partners]) await client.waitFor('object:added', (e: Envelope) => e.id === object.id, 10_000);

    // Node B stays behind: it reads no envelope of the object again until the end of the test.
    const store = b!.ctx.store as PostgresStore;
    const getObject = store.getObject.bind(store);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    store.getObject = async (id) => {
      if (id === object.id) await held;
      return getObject(id);
    };
    try {
      await remarker.ok('object:remark', { workspaceId: cell.id, id: object.id, marking: 'SECRET//NOFORN' });
      await Promise.all(partners.map((client) => client.waitFor('object:removed', (e: { id: string }) => e.id === object.id, 10_000)));
      const cut = partners.map((client) => client.frames.length);

      await mover.ok('awareness:update', { workspaceId: cell.id, state: { objectId: object.id, cursor: { anchor: 1, head: 4 }, view: 'reports' } });
      const moverId = mover.socket.id!;
      const from = (body: { states: PresenceState[] }) => body.states.some((s) => s.clientId === moverId);
      // USA on node A sees where the mover is; the partners get the mover's presence, stripped.
      await watcher.waitFor('awareness', (body) => body.states.some((s: PresenceState) => s.clientId === moverId && s.objectId === object.id), 10_000);
      await Promise.all(partners.map((client) => client.waitFor('awareness', from, 10_000)));
      partners.forEach((client, i) => {
        const later = JSON.stringify(client.frames.slice(cut[i]).map((frame) => [frame.event, frame.payload]));
        expect(later).not.toContain(object.id);
        expect(later).not.toContain('anchor');
      });
    } finally {
      release();
    }
  }, 60_000);
});
