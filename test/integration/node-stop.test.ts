// Stopping a node of several is clean: socket.io's Redis adapter publishes without waiting for
// an answer, so when a node stops while Redis is away (its clients offline, their commands
// queued) or frozen (QUIT unanswered, the connection cut), the commands still due fail with
// "Disconnects client". None of those may escape as an unhandled rejection (vitest counts them,
// and a real node would log them as crashes). Each case starts its own redis-server.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { useCluster } from '../helpers/cluster';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';
import { createCell, tokenFor } from '../helpers/server';

const skipped = postgresTestsSkipped || redisTestsSkipped;

describe.skipIf(skipped)('a node stopping while Redis does not answer', () => {
  const nodes = useCluster();
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => void process.off('unhandledRejection', record));

  /** A node with a participant in a cell whose presence broadcasts go through the adapter while Redis does not answer. */
  async function stopWhile(fault: 'stopped' | 'frozen') {
    const [node] = await nodes.start({ nodes: 1 });
    const cell = await createCell(node!.url, await tokenFor(node!.url, 'usa-analyst'), { name: 'Stop', template: 'adhoc', members: ['USA', 'GBR'] });
    const usa = await nodes.open(node!.url, 'usa-analyst', cell.id);
    if (fault === 'stopped') await nodes.redis.stop();
    else nodes.redis.freeze();
    // Presence goes to the level's room through the adapter: a publish nobody waits for.
    for (let i = 0; i < 5; i++) await usa.ok('awareness:update', { workspaceId: cell.id, state: { view: 'timeline' } });
    await nodes.stop(node!);
    // Rejections are reported after the microtasks that could still handle them.
    await new Promise((resolve) => setTimeout(resolve, 200));
    nodes.redis.thaw();
    expect(unhandled.map((reason) => String(reason))).toEqual([]);
  }

  test('Redis stopped: the node stops without an unhandled error', () => stopWhile('stopped'), 60_000);
  test('Redis frozen (SIGSTOP): the node stops without an unhandled error', () => stopWhile('frozen'), 60_000);
});
