// The profile summary's trace reading (bench/profile-summary.ts): self time per task kind on the
// pages' main threads, an event's duration less that of the events nested in it.
import { expect, test } from 'vitest';
import { summarizeTrace } from '../../bench/profile-summary';

const main = { pid: 1, tid: 7 };
const other = { pid: 1, tid: 9 };

test('gives each kind of task its self time on the main thread, and busy as the time in top-level tasks', () => {
  const summary = summarizeTrace({
    traceEvents: [
      { name: 'thread_name', ph: 'M', ...main, ts: 0, args: { name: 'CrRendererMain' } },
      { name: 'thread_name', ph: 'M', ...other, ts: 0, args: { name: 'Compositor' } },
      { name: 'RunTask', ph: 'X', ...main, ts: 0, dur: 10_000 },
      { name: 'FunctionCall', ph: 'X', ...main, ts: 1_000, dur: 6_000 },
      { name: 'Layout', ph: 'X', ...main, ts: 2_000, dur: 2_000 },
      { name: 'Paint', ph: 'X', ...main, ts: 8_000, dur: 1_000 },
      { name: 'RunTask', ph: 'X', ...main, ts: 20_000, dur: 5_000 },
      { name: 'Paint', ph: 'X', ...main, ts: 20_000, dur: 5_000 },
      // Another thread, and an instant event: not counted.
      { name: 'Paint', ph: 'X', ...other, ts: 0, dur: 50_000 },
      { name: 'Mark', ph: 'I', ...main, ts: 3_000 },
    ],
  });
  expect(summary.busyMs).toBe(15);
  expect(Object.fromEntries(summary.events.map((e) => [e.name, e.ms]))).toEqual({ FunctionCall: 4, Paint: 6, Layout: 2, RunTask: 3 });
  expect(summary.events[0]).toMatchObject({ name: 'Paint', share: 0.4 });
});
