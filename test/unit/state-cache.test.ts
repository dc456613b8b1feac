import { expect, test } from 'vitest';
import { StateCache, type StoredState } from '../../server/objects/stateCache';

const state = (bytes: number): StoredState => ({ epoch: 0, update: new Uint8Array(bytes), seq: 0 });

test('readers of one doc share one read; the least recently used leave first beyond the bytes bound', async () => {
  const cache = new StateCache(250, { protectMs: 0 });
  let reads = 0;
  const read = (bytes: number) => async () => {
    reads++;
    return state(bytes);
  };
  await Promise.all([cache.get('a', read(100)), cache.get('a', read(100))]);
  await cache.get('b', read(100));
  expect(reads).toBe(2);
  await cache.get('a', read(100));
  // 300 bytes: b, the least recently used, leaves.
  await cache.get('c', read(100));
  expect(reads).toBe(3);
  await cache.get('a', read(100));
  expect(reads).toBe(3);
  await cache.get('b', read(100));
  expect(reads).toBe(4);
});

test('a read that fails, or whose doc is dropped meanwhile, is not kept', async () => {
  const cache = new StateCache(1000);
  await expect(cache.get('a', () => Promise.reject(new Error('damaged')))).rejects.toThrow('damaged');
  expect((await cache.get('a', async () => state(1))).update.byteLength).toBe(1);
  let finish!: (value: StoredState) => void;
  const pending = cache.get('b', () => new Promise((resolve) => (finish = resolve)));
  cache.drop('b');
  finish(state(5));
  await pending;
  expect((await cache.get('b', async () => state(7))).update.byteLength).toBe(7);
});

test('a cell larger than the cache, read in one order again and again, hits on what fits; unused entries age out', async () => {
  let now = 0;
  const cache = new StateCache(1000, { now: () => now });
  let reads = 0;
  const read = async () => {
    reads++;
    return state(100);
  };
  const open = async () => {
    const before = reads;
    for (let i = 0; i < 25; i++) await cache.get(`doc-${i}`, read);
    return reads - before;
  };
  expect(await open()).toBe(25);
  now += 1000;
  // Plain LRU would evict each doc before this open asks for it again: 25 reads. The first ten are kept.
  expect(await open()).toBe(15);
  expect(await open()).toBe(15);
  // A minute unused: the kept entries give way to new ones again.
  now += 61_000;
  for (let i = 0; i < 10; i++) await cache.get(`other-${i}`, read);
  expect(await open()).toBe(25);
});
