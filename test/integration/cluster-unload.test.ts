// A node that unloaded an idle cell stops reading its relay shard, and a socket joining the cell
// there later gets it as a fresh node would: from PostgreSQL, then the relay, without a gap, and
// without what a narrowing made meanwhile on another node took away. Two nodes on a PostgreSQL
// database and a redis-server of the test's own. Skipped without PostgreSQL or redis-server
// locally, never in CI.
import { describe, expect, test } from 'vitest';
import { bodyOf, buildContent } from '../../shared/content';
import type { Envelope } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { eventually, useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { createCell, replica, tokenFor } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

/** The relay entries `node` read so far, by outcome. */
async function entries(node: RunningServer): Promise<Record<'handled' | 'skipped' | 'own' | 'refused', number>> {
  const { values } = await node.ctx.metrics.relayEntries.get();
  const count = (outcome: string) => values.find((value) => value.labels.outcome === outcome)?.value ?? 0;
  return { handled: count('handled'), skipped: count('skipped'), own: count('own'), refused: count('refused') };
}

/** The entries `node` read and did not skip as another cell's: handled, and its own updates passed over. */
const read = ({ handled, own }: Record<'handled' | 'own', number>) => handled + own;

describe.skipIf(skipped)('a node unloads an idle cell', () => {
  const nodes = useCluster();

  test('node B unloads the cell and reads none of its entries while node A edits and narrows; a socket joining on B converges and gets nothing the narrowing took away', async () => {
    const [a, b] = await nodes.start({ nodes: 2, config: { cellIdleMs: 300 } });
    const cell = await createCell(a!.url, await tokenFor(a!.url, 'usa-analyst'), { name: 'Idle on B', template: 'adhoc', members: ['USA', 'GBR'] });
    const writer = await nodes.open(a!.url, 'usa-analyst', cell.id);
    const create = async (body: string) =>
      (await writer.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'SECRET//REL TO USA, GBR', content: buildContent({ body }) })).object;
    const kept = await create('kept ');
    const narrowed = await create('narrowed ');
    const onA = { kept: await replica(writer, cell.id, kept), narrowed: await replica(writer, cell.id, narrowed) };

    // A GBR participant on B reads both objects, then leaves: nobody on B uses the cell any more.
    const first = await nodes.open(b!.url, 'gbr-analyst', cell.id);
    const seenOnB = await replica(first, cell.id, kept);
    bodyOf(onA.kept.doc).insert(0, 'while-joined ');
    await Promise.all(onA.kept.acks);
    await eventually(() => bodyOf(seenOnB.doc).toString() === bodyOf(onA.kept.doc).toString(), 10_000, 'B delivers while the cell is held');
    nodes.leave(first);
    await eventually(() => b!.ctx.cells.loaded(cell.id) === undefined, 10_000, 'B unloads the idle cell');
    expect((await b!.ctx.metrics.loadedCells.get()).values[0]!.value).toBe(0);
    expect(b!.ctx.docs.size).toBe(0);
    const before = { a: read(await entries(a!)), b: await entries(b!) };

    // Meanwhile on A: edits, a narrowing to NOFORN, and edits of the narrowed object after it.
    for (let i = 0; i < 10; i++) bodyOf(onA.kept.doc).insert(0, `unloaded${i} `);
    await writer.ok('object:remark', { workspaceId: cell.id, id: narrowed.id, marking: 'SECRET//NOFORN' });
    bodyOf(onA.narrowed.doc).insert(0, 'CANARY-AFTER-NARROWING ');
    await Promise.all([...onA.kept.acks, ...onA.narrowed.acks]);
    // A reads its own entries back (10 edits, the re-mark, 1 edit): once it has, they are in the stream B no longer reads.
    await eventually(async () => read(await entries(a!)) >= before.a + 12, 10_000, 'node A reads its entries back from the relay');
    expect(await entries(b!)).toEqual(before.b);

    // A GBR participant joins on B: the cell is read from PostgreSQL, then the relay again.
    const second = await nodes.open(b!.url, 'gbr-analyst', cell.id);
    // Asked again for the listing (`open` joined already: this answer is the same).
    const joined = await second.ok('workspace:join', { workspaceId: cell.id });
    expect(joined.objects.map((envelope: Envelope) => envelope.id)).toEqual([kept.id]);
    const onB = await replica(second, cell.id, kept);
    expect(bodyOf(onB.doc).toString()).toBe(bodyOf(onA.kept.doc).toString());
    bodyOf(onA.kept.doc).insert(0, 'after-rejoin ');
    bodyOf(onA.narrowed.doc).insert(0, 'CANARY-AFTER-REJOIN ');
    await Promise.all([...onA.kept.acks, ...onA.narrowed.acks]);
    await eventually(() => bodyOf(onB.doc).toString() === bodyOf(onA.kept.doc).toString(), 10_000, () => `B converges with A: ${bodyOf(onB.doc).toString()}`);
    expect((await entries(b!)).handled).toBeGreaterThan(before.b.handled);
    // A USA reader on B sees the narrowed object as A has it.
    const usaOnB = await nodes.open(b!.url, 'usa-analyst', cell.id);
    const narrowedOnB = await replica(usaOnB, cell.id, { ...narrowed, marking: 'SECRET//NOFORN' });
    await eventually(() => bodyOf(narrowedOnB.doc).toString() === bodyOf(onA.narrowed.doc).toString(), 10_000, 'the narrowed object as A has it, for USA on B');
    const gbrSaw = JSON.stringify([joined, ...second.frames.map((frame) => [frame.event, frame.payload])]);
    expect(gbrSaw).not.toContain(narrowed.id);
    expect(gbrSaw).not.toContain('CANARY');
  });
});
