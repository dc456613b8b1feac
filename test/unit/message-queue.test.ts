import { expect, test } from 'vitest';
import { MessageQueue } from '../../server/sessions/messageQueue';

test('a task that finds the turn free starts at once, and its own promise is the answer (no promise chained per message)', async () => {
  const queue = new MessageQueue();
  const order: string[] = [];
  const answer = Promise.resolve('done');
  const ran = queue.run(() => {
    order.push('started');
    return answer;
  });
  expect(order).toEqual(['started']);
  expect(ran).toBe(answer);
  expect(await ran).toBe('done');
});

test('the next task starts after its turn is released, never inside the releasing call', async () => {
  const queue = new MessageQueue();
  const order: string[] = [];
  let releaseFirst!: () => void;
  let finishFirst!: () => void;
  const first = queue.run((release) => {
    releaseFirst = release;
    return new Promise<void>((resolve) => (finishFirst = resolve));
  });
  const second = queue.run(async () => {
    order.push('second starts');
  });
  await Promise.resolve();
  expect(order).toEqual([]);
  releaseFirst();
  order.push('released');
  await second;
  expect(order).toEqual(['released', 'second starts']);
  // Released early, the first's end gives nothing back twice: a third still finds the turn free.
  finishFirst();
  await first;
  queue.run(async () => void order.push('third starts'));
  expect(order.at(-1)).toBe('third starts');
});

test('a task that throws before returning its promise gives up its turn and is answered with the error', async () => {
  const queue = new MessageQueue();
  await expect(
    queue.run(() => {
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  await expect(queue.run(async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
  expect(await queue.run(async () => 'next')).toBe('next');
});

test('tasks queued behind a busy turn run one at a time, in arrival order', async () => {
  const queue = new MessageQueue();
  const order: number[] = [];
  let running = 0;
  const tasks = [0, 1, 2, 3].map((n) =>
    queue.run(async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(n);
      running--;
      return n;
    }),
  );
  expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
  expect(order).toEqual([0, 1, 2, 3]);
});
