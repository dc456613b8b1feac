// `npm run bench -- commit-sweep`: its policies read from the command line, and a sweep's table.
import { expect, test } from 'vitest';
import { parsePolicies, sweepMarkdown, type SweepRow } from '../../bench/commit-sweep';
import type { FanoutResult } from '../../bench/fanout';

test('policies are window/busy pairs; anything else is refused, naming the form', () => {
  expect(parsePolicies('25/0, 25/20,40/100')).toEqual([
    { windowMs: 25, busyPercent: 0 },
    { windowMs: 25, busyPercent: 20 },
    { windowMs: 40, busyPercent: 100 },
  ]);
  for (const bad of ['25', '25/101', 'a/b', '25/20/1']) expect(() => parsePolicies(bad)).toThrow(/<window ms>\/<busy percent 0–100>/);
});

test('each row shows the policy beside y-websocket of the same round, with the CPU ratio', () => {
  const run = (server: string, p50: number, p99: number, cpu: number): FanoutResult =>
    ({ server, clients: 10, round: 1, latencyMs: { p50, p95: p99, p99, max: p99 }, cpuMicrosPerDelivery: cpu, framesPerDelivery: 1, generatorSaturated: false, generatorCpu: 0.1 }) as FanoutResult;
  const rows: SweepRow[] = [{ policy: { windowMs: 25, busyPercent: 20 }, tearline: run('tearline', 3, 9, 15), baseline: run('y-websocket', 1, 3, 12) }];
  expect(sweepMarkdown(rows, { start: 1, end: 1 })).toContain('| 25 ms / 20 % | 10 | 1 | 3.0 / 9.0 | 15.0 | 1.00 | 1.0 / 3.0 | 12.0 | 1.25 |');
});
