// `npm run bench -- commit-sweep`: its policies read from the command line, and a sweep's table.
import { expect, test } from 'vitest';
import { parsePolicies, sweepMarkdown, type SweepRow } from '../../bench/commit-sweep';
import type { FanoutResult } from '../../bench/fanout';

test('policies are window/frames-per-second pairs; anything else is refused, naming the form', () => {
  expect(parsePolicies('25/0, 25/5000,40/100000000')).toEqual([
    { windowMs: 25, framesPerSecond: 0 },
    { windowMs: 25, framesPerSecond: 5000 },
    { windowMs: 40, framesPerSecond: 100_000_000 },
  ]);
  for (const bad of ['25', '25/100000001', 'a/b', '25/20/1']) expect(() => parsePolicies(bad)).toThrow(/<window ms>\/<frames per second 0–100000000>/);
});

test('each row shows the policy beside y-websocket of the same round, with the CPU ratio', () => {
  const run = (server: string, p50: number, p99: number, cpu: number): FanoutResult =>
    ({ server, clients: 10, round: 1, latencyMs: { p50, p95: p99, p99, max: p99 }, cpuMicrosPerDelivery: cpu, framesPerDelivery: 1, generatorSaturated: false, generatorCpu: 0.1 }) as FanoutResult;
  const rows: SweepRow[] = [{ policy: { windowMs: 25, framesPerSecond: 5000 }, tearline: run('tearline', 3, 9, 15), baseline: run('y-websocket', 1, 3, 12) }];
  expect(sweepMarkdown(rows, { start: 1, end: 1 })).toContain('| 25 ms / 5000 frames/s | 10 | 1 | 3.0 / 9.0 | 15.0 | 1.00 | 1.0 / 3.0 | 12.0 | 1.25 |');
});
