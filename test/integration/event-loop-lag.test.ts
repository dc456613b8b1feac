// The event-loop lag an operator reads is the lag, not the sampling period: the delay histogram
// records each sampler interval whole (100 ms plus lateness), and prom-client reported that as is,
// so an idle server read about 100 ms.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { EVENT_LOOP_SAMPLE_MS, lagSeconds } from '../../server/metrics/metrics';
import { startTestServer } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(server.metricsUrl!)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z0-9_]+) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

test('an idle server reports an event-loop lag near zero, not the sampling period', async () => {
  await sleep(3 * EVENT_LOOP_SAMPLE_MS);
  // The first scrape closes the window that holds start-up; the second reads an idle one.
  await scrape();
  await sleep(15 * EVENT_LOOP_SAMPLE_MS);
  const metrics = await scrape();
  for (const figure of ['', 'mean_', 'p50_', 'min_']) {
    const name = `tearline_process_nodejs_eventloop_lag_${figure}seconds`;
    expect(metrics.get(name), name).toBeGreaterThanOrEqual(0);
    expect(metrics.get(name), name).toBeLessThan(0.02);
  }
});

test('the other process metrics are still there, each once', async () => {
  const text = await (await fetch(server.metricsUrl!)).text();
  for (const name of [
    'tearline_process_process_resident_memory_bytes',
    'tearline_process_process_cpu_seconds_total',
    'tearline_process_nodejs_heap_size_used_bytes',
    'tearline_process_nodejs_active_handles_total',
    'tearline_process_nodejs_gc_duration_seconds',
    'tearline_process_nodejs_eventloop_lag_p99_seconds',
    'tearline_process_nodejs_eventloop_lag_max_seconds',
  ]) {
    expect(text.match(new RegExp(`^# TYPE ${name} `, 'gm')), name).toHaveLength(1);
  }
});

test('the sampling period comes off each interval, never below zero', () => {
  expect(lagSeconds(100_000_000, 100)).toBe(0);
  expect(lagSeconds(125_000_000, 100)).toBeCloseTo(0.025, 9);
  // libuv's clock counts whole milliseconds, so an interval can fall just short of the period.
  expect(lagSeconds(99_600_000, 100)).toBe(0);
});
