// A node reads the relay only for the cells it holds: the entries of a cell none of its sockets
// joined are skipped unread (not decoded, not applied), and a socket that joins such a cell later
// gets its state from PostgreSQL and then follows the relay without a gap, also while edits keep
// arriving during the join. Each test starts its own redis-server and database. Skipped without
// PostgreSQL or redis-server locally, never in CI.
import { describe, expect, test } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { RunningServer } from '../../server/app';
import { eventually, useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { createCell, replica, tokenFor } from '../helpers/server';
import { shardOf } from '../../server/relay/entries';
import type { WorkspaceSummary } from '../../shared/protocol';

const skipped = postgresTestsSkipped || redisTestsSkipped;

/** How many relay entries `node` handled (decoded and applied), and skipped unread. */
async function entries(node: RunningServer): Promise<{ handled: number; skipped: number }> {
  const { values } = await node.ctx.metrics.relayEntries.get();
  const count = (outcome: string) => values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
  return { handled: count('handled'), skipped: count('skipped') };
}

/** How many of its own updates `node` read back from the relay (passed over unread: it counted them at commit). */
async function own(node: RunningServer): Promise<number> {
  const { values } = await node.ctx.metrics.relayEntries.get();
  return values.find((value) => value.labels.outcome === 'own')?.value ?? 0;
}

/** Resolves once `node`'s handled count stopped moving (the entries of earlier steps are in). */
async function settled(node: RunningServer): Promise<number> {
  let last = -1;
  await eventually(
    async () => {
      const { handled } = await entries(node);
      const still = handled === last;
      last = handled;
      if (!still) await new Promise((resolve) => setTimeout(resolve, 300));
      return still;
    },
    10_000,
    'the relay entries of the set-up handled',
  );
  return last;
}

describe.skipIf(skipped)('a node reads the relay for the cells it holds', () => {
  const nodes = useCluster();

  test("a node none of whose sockets joined a cell neither decodes nor applies its entries; a socket joining it later gets its state and follows", async () => {
    const [a, b] = await nodes.start({ nodes: 2 });
    const token = await tokenFor(a!.url, 'usa-analyst');
    const held = await createCell(a!.url, token, { name: 'Held on B', template: 'adhoc', members: ['USA'] });
    // Two cells B does not hold: one on the shard B follows (for `held`), one on another shard.
    const cells: WorkspaceSummary[] = [];
    while (!cells.some((c) => shardOf(c.id) === shardOf(held.id)) || !cells.some((c) => shardOf(c.id) !== shardOf(held.id))) {
      cells.push(await createCell(a!.url, token, { name: `Held on A only ${cells.length}`, template: 'adhoc', members: ['USA'] }));
    }
    const neighbour = cells.find((c) => shardOf(c.id) === shardOf(held.id))!;
    const far = cells.find((c) => shardOf(c.id) !== shardOf(held.id))!;
    await nodes.open(b!.url, 'usa-analyst', held.id);
    const writers = await Promise.all([neighbour, far].map(async (cell) => {
      const writer = await nodes.open(a!.url, 'usa-analyst', cell.id);
      const { object } = await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//NOFORN', content: buildContent({ body: 'start ' }) });
      return { writer, object, replica: await replica(writer, cell.id, object) };
    }));
    const before = { a: await own(a!), b: { handled: await settled(b!), skipped: (await entries(b!)).skipped } };

    for (const { replica: r } of writers) for (let i = 0; i < 20; i++) bodyOf(r.doc).insert(0, `a${i} `);
    await Promise.all(writers.flatMap(({ replica: r }) => r.acks));
    // A reads its own entries back (it holds both cells): once it has, they are in the streams for B too.
    await eventually(async () => (await own(a!)) >= before.a + 40, 10_000, 'node A reads the 40 updates back from the relay');
    await eventually(async () => (await entries(b!)).skipped >= before.b.skipped + 20, 10_000, "node B passes over the neighbour cell's 20 entries");
    // B decoded and applied none; it skipped unread those on the shard it follows, and never read the other shard.
    expect(await entries(b!)).toEqual({ handled: before.b.handled, skipped: before.b.skipped + 20 });
    expect(b!.ctx.cells.loaded(neighbour.id)).toBeUndefined();
    expect(b!.ctx.cells.loaded(far.id)).toBeUndefined();
    expect(b!.ctx.docs.size).toBe(0);

    // A socket joins each cell on B: its state comes from PostgreSQL, then the relay.
    for (const [n, cell] of [neighbour, far].entries()) {
      const { replica: onA, object } = writers[n]!;
      const onB = await replica(await nodes.open(b!.url, 'usa-analyst', cell.id), cell.id, object);
      expect(bodyOf(onB.doc).toString()).toBe(bodyOf(onA.doc).toString());
      for (let i = 0; i < 5; i++) bodyOf(onA.doc).insert(0, `later${i} `);
      bodyOf(onB.doc).insert(0, 'fromB ');
      await Promise.all([...onA.acks, ...onB.acks]);
      const texts = () => [bodyOf(onA.doc).toString(), bodyOf(onB.doc).toString()];
      await eventually(() => texts()[0] === texts()[1], 10_000, () => `both replicas converge: ${JSON.stringify(texts())}`);
      expect(texts()[0]).toContain('later4');
      expect(texts()[0]).toContain('fromB');
    }
    expect((await entries(b!)).handled).toBeGreaterThan(before.b.handled);
  });

  test('a socket joining a cell on a node that did not follow its shard, while edits keep coming, misses none', async () => {
    const [a, b] = await nodes.start({ nodes: 2 });
    const token = await tokenFor(a!.url, 'usa-analyst');
    const cell = await createCell(a!.url, token, { name: 'Joined mid-stream', template: 'adhoc', members: ['USA', 'GBR'] });
    const writer = await nodes.open(a!.url, 'usa-analyst', cell.id);
    const { object } = await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body: 'start ' }) });
    const onA = await replica(writer, cell.id, object);
    let writing = true;
    let written = 0;
    const edits = (async () => {
      while (writing) {
        bodyOf(onA.doc).insert(0, `w${written++} `);
        await onA.acks.at(-1);
      }
    })();
    await eventually(() => written >= 5, 10_000, 'edits under way');
    const reader = await nodes.open(b!.url, 'gbr-analyst', cell.id);
    const onB = await replica(reader, cell.id, object);
    await eventually(() => written >= 30, 20_000, 'edits after the join');
    writing = false;
    await edits;
    await Promise.all(onA.acks);
    await eventually(() => bodyOf(onB.doc).toString() === bodyOf(onA.doc).toString(), 10_000, 'the reader on B converges with the writer on A');
    expect(bodyOf(onB.doc).toString()).toContain(`w${written - 1} `);
  });
});
