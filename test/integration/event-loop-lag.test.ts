// The event-loop lag an operator reads is the lag, not the sampling period: the delay histogram
// records each sampler interval whole (100 ms plus lateness), and prom-client reported that as is,
// so an idle server read about 100 ms. The gauges are shown on windows the test hands them (no
// timing: what the code does with a window, not how late this machine's loop runs).
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { eventLoopLag, lagSeconds, type LagHistogram } from '../../server/metrics/metrics';
import { startTestServer } from '../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** A delay histogram whose windows are given in milliseconds of interval; `reset` starts the next. */
function windows(...given: { intervalsMs: number[] }[]): LagHistogram & { resets: number } {
  let current = 0;
  const ns = () => (given[current]?.intervalsMs ?? []).map((ms) => ms * 1e6).sort((a, b) => a - b);
  const fake = {
    resets: 0,
    enable: () => true,
    disable: () => true,
    reset() {
      fake.resets++;
      current++;
    },
    get count() {
      return ns().length;
    },
    get mean() {
      return ns().reduce((a, b) => a + b, 0) / Math.max(1, ns().length);
    },
    get min() {
      return ns()[0] ?? 0;
    },
    get max() {
      return ns().at(-1) ?? 0;
    },
    get stddev() {
      const all = ns();
      const mean = all.reduce((a, b) => a + b, 0) / Math.max(1, all.length);
      return Math.sqrt(all.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, all.length));
    },
    percentile(p: number) {
      const all = ns();
      return all[Math.min(all.length - 1, Math.ceil((p / 100) * all.length) - 1)] ?? 0;
    },
  };
  return fake;
}

async function read(registry: Registry): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  for (const line of (await registry.metrics()).split('\n')) {
    const match = /^([a-z0-9_]+) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

const lag = (figure: string) => `tearline_process_nodejs_eventloop_lag_${figure}seconds`;

test('each figure is the window minus the sampling period: an idle loop reads zero, not the period', async () => {
  const registry = new Registry();
  // An idle window (every interval the period, one a millisecond short), then a busy one.
  const histogram = windows({ intervalsMs: [100, 100, 99, 100] }, { intervalsMs: [100, 103, 104, 125] });
  eventLoopLag(registry, 100, histogram);
  const idle = await read(registry);
  for (const figure of ['', 'mean_', 'p50_', 'min_', 'max_', 'p99_']) expect(idle.get(lag(figure)), figure).toBe(0);
  expect(histogram.resets).toBe(1);
  const busy = await read(registry);
  expect(busy.get(lag('min_'))).toBe(0);
  expect(busy.get(lag('max_'))).toBeCloseTo(0.025, 9);
  expect(busy.get(lag('mean_'))).toBeCloseTo(0.008, 9);
  expect(busy.get(lag(''))).toBeCloseTo(0.008, 9);
  expect(busy.get(lag('p50_'))).toBeCloseTo(0.003, 9);
  // The spread is not shifted: it is the same with or without the period.
  expect(busy.get(lag('stddev_'))).toBeCloseTo(Math.sqrt((64 + 25 + 16 + 289) / 4) / 1000, 9);
});

test('a scrape that finds an empty window keeps the last figures rather than reporting none', async () => {
  const registry = new Registry();
  const histogram = windows({ intervalsMs: [110, 110] }, { intervalsMs: [] });
  eventLoopLag(registry, 100, histogram);
  expect((await read(registry)).get(lag('mean_'))).toBeCloseTo(0.01, 9);
  expect((await read(registry)).get(lag('mean_'))).toBeCloseTo(0.01, 9);
  expect(histogram.resets).toBe(1);
});

test('the server serves the lag figures', async () => {
  const text = await (await fetch(server.metricsUrl!)).text();
  for (const figure of ['', 'mean_', 'p50_', 'min_']) expect(text).toMatch(new RegExp(`^${lag(figure)} `, 'm'));
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
