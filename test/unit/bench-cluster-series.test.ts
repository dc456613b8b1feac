// `npm run bench -- cluster`: its command line (the full form's steady-state warm-up, the series
// window, rounds), the windows of CPU per edit it builds from cumulative samples, and what it prints
// of them (the cold first window beside the measured one, each ratio's median over rounds).
import { expect, test } from 'vitest';
import { clusterMarkdown, clusterWindows, parseClusterArgs, type ClusterRow, type ClusterWindow } from '../../bench/cluster';
import { sampleSeries, seriesWindows, type SeriesSample } from '../../bench/series';

test('the full form warms up for 90 s and samples 10 s windows; --quick stays seconds long', () => {
  const full = parseClusterArgs([]);
  expect(full.plan.warmupSeconds).toBe(90);
  expect(full.plan.seriesSeconds).toBe(10);
  expect(full.rounds).toBe(1);
  const quick = parseClusterArgs(['--quick']);
  expect(quick.plan.warmupSeconds + quick.plan.measureSeconds).toBeLessThan(5);
  expect(quick.plan.seriesSeconds).toBeLessThanOrEqual(1);
});

test('--window, --series, --rounds and --warmup are read; rounds default to 3 only against a base', () => {
  const options = parseClusterArgs(['--nodes', '2', '--window', '5', '--series', '--rounds', '4', '--warmup', '3']);
  expect(options).toMatchObject({ nodes: [2], rounds: 4, series: true, plan: { seriesSeconds: 5, warmupSeconds: 3 } });
  expect(parseClusterArgs(['--base', '/elsewhere']).rounds).toBe(3);
  expect(() => parseClusterArgs(['--window', '0'])).toThrow(/--window/);
  expect(() => parseClusterArgs(['--rounds', '0'])).toThrow(/--rounds/);
});

test("a window's quantities are divided by the edits sent in it; a window without edits is left out", () => {
  const samples: SeriesSample[] = [
    { atSeconds: 0, edits: 0, values: { node0: 1, redis: 0 } },
    { atSeconds: 10, edits: 1000, values: { node0: 4, redis: 0.5 } },
    { atSeconds: 11, edits: 1000, values: { node0: 4.1, redis: 0.5 } },
    { atSeconds: 20, edits: 2000, values: { node0: 6.1, redis: 0.7 } },
  ];
  const windows = seriesWindows(samples);
  expect(windows.map((w) => [w.fromSeconds, w.toSeconds, w.edits])).toEqual([
    [0, 10, 1000],
    [11, 20, 1000],
  ]);
  expect(windows[0]!.perEdit.node0).toBeCloseTo(0.003);
  expect(windows[1]!.perEdit.redis).toBeCloseTo(0.0002);
});

test("a cluster's windows are µs per edit by node, Redis and PostgreSQL, and their sum, with PostgreSQL's commits per edit", () => {
  const [window] = clusterWindows(
    [
      { atSeconds: 0, edits: 0, values: { node0: 0, node1: 0, redis: 0, postgres: 0, frames: 0, 'n:xadd': 0, 'n:commits': 10 } },
      { atSeconds: 10, edits: 1000, values: { node0: 2, node1: 1.5, redis: 0.2, postgres: 0.3, frames: 200_000, 'n:xadd': 1000, 'n:commits': 510 } },
    ],
    2,
  );
  expect(window).toEqual({ fromSeconds: 0, toSeconds: 10, edits: 1000, cpuMicrosPerEditPerNode: [2000, 1500], redis: 200, postgres: 300, total: 4000, framesPerEdit: 200, pgCommitsPerEdit: 0.5 });
});

test('sampleSeries samples at once, every period, and once more when stopped, one sample at a time', async () => {
  let n = 0;
  let running = 0;
  let overlapped = false;
  const series = sampleSeries(0.01, async () => {
    overlapped ||= running > 0;
    running++;
    await new Promise((resolve) => setTimeout(resolve, 15));
    running--;
    return { atSeconds: n, edits: n++, values: {} };
  });
  await new Promise((resolve) => setTimeout(resolve, 60));
  const samples = await series.stop();
  expect(samples.length).toBeGreaterThanOrEqual(3);
  // In order, one at a time (the last may have replaced the one before it: see the next test).
  const edits = samples.map((s) => s.edits);
  expect(edits).toEqual([...edits].sort((a, b) => a - b));
  expect(new Set(edits).size).toBe(edits.length);
  expect(overlapped).toBe(false);
});

test('the last sample replaces the one before when it comes less than half a period after it', async () => {
  let clock = 0;
  const series = sampleSeries(10, async () => ({ atSeconds: clock, edits: clock, values: {} }));
  await new Promise((resolve) => setTimeout(resolve, 5));
  clock = 10;
  const longRun = await series.stop();
  expect(longRun.map((s) => s.atSeconds)).toEqual([0, 10]);
  // Every 10 ms, and a stop 2 ms after the last periodic sample: that sample gives way to the last one.
  let stopping = false;
  let at = -10;
  const short = sampleSeries(0.01, async () => {
    at = stopping ? at + 2 : at + 10;
    return { atSeconds: at / 1000, edits: at, values: {} };
  });
  while (at < 20) await new Promise((resolve) => setTimeout(resolve, 2));
  stopping = true;
  const stopped = (await short.stop()).map((s) => s.edits);
  expect(stopped.at(-1)! - stopped.at(-2)!).toBeGreaterThanOrEqual(10);
});

function window(total: number, nodes: number[]): ClusterWindow {
  return { fromSeconds: 0, toSeconds: 10, edits: 1000, cpuMicrosPerEditPerNode: nodes, redis: 0, postgres: 0, total, framesPerEdit: 160, pgCommitsPerEdit: 0 };
}

function row(store: ClusterRow['store'], nodes: number, round: number, total: number, cold: number): ClusterRow {
  return {
    checkout: 'this',
    round,
    warmupSeconds: 60,
    store,
    nodes,
    clients: 500,
    editsPerSecond: 100,
    latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
    deliveries: 10,
    expectedDeliveries: 10,
    deliveriesPerSecond: 1,
    cpuMicrosPerDelivery: { total, nodes: total, redis: 0, postgres: 0 },
    perNode: [],
    edits: 1,
    cpuMicrosPerEditPerNode: [],
    framesPerDelivery: 0.4,
    generatorSaturated: false,
    series: [window(cold, [cold]), window(total * 100, [total * 100])],
  };
}

test('the report prints the warm-up, the cold first window beside the measured ratio, and the median over rounds', () => {
  const rows = [row('sqlite', 1, 1, 4, 3000), row('postgres', 2, 1, 6, 6000), row('sqlite', 1, 2, 4, 3000), row('postgres', 2, 2, 8, 6600), row('sqlite', 1, 3, 5, 3000), row('postgres', 2, 3, 7, 6000)];
  const text = clusterMarkdown(rows, { series: false, measureSeconds: 20 });
  expect(text).toContain('after a warm-up of 60 s');
  expect(text).toContain('2 nodes on PostgreSQL and Redis ÷ one SQLite node: 1.50');
  expect(text).toContain('(round 2): 2.00');
  expect(text).toContain('Median over 3 rounds, 2 nodes on PostgreSQL and Redis ÷ one SQLite node: 1.50 (1.50, 2.00, 1.40)');
  expect(text).toContain("Cold, the first 10 s of edits, 2 nodes on PostgreSQL and Redis: µs CPU per edit 6000; ÷ the SQLite node's first window: 2.00");
  expect(text).not.toContain('window after window');
  expect(clusterMarkdown(rows, { series: true, measureSeconds: 20 })).toContain('| 0–10 | 1000 | 160 | 600 | 0 | 0 | 600 |');
});
