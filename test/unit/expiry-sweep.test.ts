// One sweep ends every session at its token's expiry: never before it, at most one step after it.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { ExpirySweep } from '../../server/sessions/expirySweep';

const STEP = 1000;
const START = Date.UTC(2026, 10, 30, 12, 0, 0, 250);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

/** A sweep that records when each key was ended. */
function sweep() {
  const ended = new Map<string, number>();
  const expiry = new ExpirySweep<string>(STEP, (key) => ended.set(key, Date.now()));
  return { expiry, ended };
}

test('each key is ended at the first sweep at or after its expiry, never before, at most one step late', () => {
  const { expiry, ended } = sweep();
  const at = { a: START + 1500, b: START + 1500, c: START + 4200, d: START + 60_000 };
  for (const [key, ms] of Object.entries(at)) expiry.schedule(key, ms);
  for (let t = 0; t < 70_000; t += 100) {
    vi.advanceTimersByTime(100);
    for (const [key, ms] of Object.entries(at)) {
      // Checked each 100 ms: not ended before its time; ended within a step of it.
      if (Date.now() < ms) expect(ended.has(key)).toBe(false);
      if (Date.now() >= ms + STEP) expect(ended.has(key)).toBe(true);
    }
  }
  for (const [key, ms] of Object.entries(at)) {
    expect(ended.get(key)).toBeGreaterThanOrEqual(ms);
    expect(ended.get(key)).toBeLessThanOrEqual(ms + STEP);
  }
  expect(expiry.size).toBe(0);
  // Nothing left: no timer keeps running.
  expect(vi.getTimerCount()).toBe(0);
});

test('a renewed expiry replaces the earlier one; a cancelled key is never ended', () => {
  const { expiry, ended } = sweep();
  expiry.schedule('renewed', START + 2000);
  expiry.schedule('left', START + 2000);
  vi.advanceTimersByTime(1000);
  expiry.schedule('renewed', START + 10_000);
  expiry.cancel('left');
  vi.advanceTimersByTime(5000);
  expect([...ended.keys()]).toEqual([]);
  vi.advanceTimersByTime(5000);
  expect([...ended.keys()]).toEqual(['renewed']);
  expect(ended.get('renewed')).toBeGreaterThanOrEqual(START + 10_000);
});

test('an expiry already past is ended at the next sweep; one timer serves every key', () => {
  const { expiry, ended } = sweep();
  for (let i = 0; i < 500; i++) expiry.schedule(`k${i}`, START + 3_600_000 + i * 7);
  expiry.schedule('past', START - 5000);
  expect(vi.getTimerCount()).toBe(1);
  vi.advanceTimersByTime(STEP);
  expect([...ended.keys()]).toEqual(['past']);
  expect(expiry.size).toBe(500);
});

test('a sweep that falls far behind (a blocked event loop) still ends every key that is due', () => {
  const { expiry, ended } = sweep();
  expiry.schedule('early', START + 1000);
  expiry.schedule('late', START + 40 * 86_400_000);
  // The clock jumps a day without the timer firing in between.
  vi.setSystemTime(START + 86_400_000);
  expiry.sweep();
  expect([...ended.keys()]).toEqual(['early']);
  vi.setSystemTime(START + 41 * 86_400_000);
  expiry.sweep();
  expect([...ended.keys()]).toEqual(['early', 'late']);
});

test('nothing due, nothing runs: the timer wakes for the earliest expiry, not every step', () => {
  const { expiry, ended } = sweep();
  const sweeps = vi.spyOn(expiry, 'sweep');
  for (let i = 0; i < 500; i++) expiry.schedule(`k${i}`, START + 3_600_000 + (i % 3) * 60_000);
  vi.advanceTimersByTime(3_600_000 - STEP);
  expect(sweeps).not.toHaveBeenCalled();
  vi.advanceTimersByTime(2 * STEP);
  // One wake ended the first third; the next waits for the second expiry, a minute on.
  expect(sweeps).toHaveBeenCalledTimes(1);
  expect(ended.size).toBe(167);
  vi.advanceTimersByTime(2 * 60_000);
  expect(sweeps).toHaveBeenCalledTimes(3);
  expect(ended.size).toBe(500);
  expect(vi.getTimerCount()).toBe(0);
});

test('an earlier expiry scheduled later still ends on time; a cancelled one costs one wake at most', () => {
  const { expiry, ended } = sweep();
  const sweeps = vi.spyOn(expiry, 'sweep');
  expiry.schedule('hour', START + 3_600_000);
  expiry.schedule('soon', START + 5000);
  expiry.schedule('gone', START + 2000);
  expiry.cancel('gone');
  vi.advanceTimersByTime(6000);
  expect([...ended.keys()]).toEqual(['soon']);
  expect(ended.get('soon')).toBeGreaterThanOrEqual(START + 5000);
  expect(sweeps.mock.calls.length).toBeLessThanOrEqual(2);
  vi.advanceTimersByTime(3_600_000);
  expect([...ended.keys()]).toEqual(['soon', 'hour']);
});

test('a timer that fires before the wall clock reaches the slot ends nothing early and tries again', () => {
  const ended = new Map<string, number>();
  // The wall clock 700 ms behind the timers' clock: the timer for a slot comes before its time.
  const wall = () => Date.now() - 700;
  const expiry = new ExpirySweep<string>(STEP, (key) => ended.set(key, wall()), wall);
  expiry.schedule('a', wall() + 3000);
  const at = wall() + 3000;
  while (!ended.has('a')) {
    vi.advanceTimersByTime(100);
    if (wall() < at) expect(ended.has('a')).toBe(false);
  }
  expect(ended.get('a')).toBeGreaterThanOrEqual(at);
  expect(ended.get('a')).toBeLessThanOrEqual(at + STEP);
});

test('a key scheduled from inside an expiry is kept and swept in its turn', () => {
  const ended: string[] = [];
  const expiry: ExpirySweep<string> = new ExpirySweep<string>(STEP, (key) => {
    ended.push(key);
    if (key === 'first') expiry.schedule('second', Date.now() + 10_000);
  });
  expiry.schedule('first', START + 1000);
  expiry.schedule('third', START + 60_000);
  vi.advanceTimersByTime(20_000);
  expect(ended).toEqual(['first', 'second']);
  vi.advanceTimersByTime(60_000);
  expect(ended).toEqual(['first', 'second', 'third']);
});
