// The benchmark's summary: ratios pair servers within a round, and the headline is the median
// over rounds, so one noisy run on a shared machine does not decide it.
import { describe, expect, it } from 'vitest';
import type { FanoutResult } from '../../bench/fanout';
import { markdown, ratios, summarize, type Machine } from '../../bench/report';

const machine: Machine = {
  cpus: 'test',
  cores: 2,
  memoryGb: 24,
  node: 'v20',
  os: 'Linux',
  loadAverage: { start: 0.5, end: 0.5 },
  tearlineEnv: {},
};

function row(server: string, round: number, cpu: number, p99: number, extra: Partial<FanoutResult> = {}): FanoutResult {
  return {
    server,
    clients: 200,
    writers: 12,
    workload: 'uniform',
    round,
    editsPerSecond: 100,
    editsSent: 2000,
    expectedDeliveries: 398_000,
    deliveries: 398_000,
    completeness: 1,
    echoes: 0,
    latencyMs: { p50: p99 / 2, p95: p99 * 0.9, p99, max: p99 * 2 },
    serverCpuSeconds: (cpu * 398_000) / 1e6,
    cpuMicrosPerDelivery: cpu,
    serverPeakRssMb: 150,
    rssPerClientKb: 100,
    wireBytesPerDelivery: 118,
    framesPerDelivery: 0.3,
    generatorCpu: 0.2,
    generatorSaturated: false,
    windowSeconds: 20,
    ...extra,
  };
}

describe('rounds', () => {
  const fanout = [
    row('tearline', 1, 6, 30),
    row('y-websocket', 1, 10, 7),
    row('tearline', 2, 8, 40),
    row('y-websocket', 2, 20, 8),
    row('tearline', 3, 7, 35),
    row('y-websocket', 3, 10, 9),
  ];

  it('pairs Tearline with the baseline of the same round', () => {
    expect(ratios(fanout).map((r) => [r.round, r.cpuPerDelivery])).toEqual([
      [1, 0.6],
      [2, 0.4],
      [3, 0.7],
    ]);
  });

  it('reports the median of the per-round ratios and of the p99s', () => {
    const summary = summarize('full', machine, fanout, []);
    expect(summary.cpuRatioRounds).toEqual([0.6, 0.4, 0.7]);
    expect(summary.cpuRatio).toBe(0.6);
    expect(summary.p99Ms).toBe(35);
    const text = markdown(summary);
    expect(text).toContain('| server | clients | round |');
    expect(text).toContain('cpuRatio per round: 0.6, 0.4, 0.7');
  });

  it('leaves out a round where a server did not keep up, and says so', () => {
    const withSaturated = fanout.map((r) => (r.server === 'y-websocket' && r.round === 3 ? { ...r, generatorSaturated: true } : r));
    const summary = summarize('full', machine, withSaturated, []);
    expect(summary.cpuRatioRounds).toEqual([0.6, 0.4]);
    expect(summary.cpuRatio).toBe(0.5);
    expect(summary.notes).toContain('y-websocket (round 3): load generator saturated, figures withheld');
  });

  it('with one round, prints no round column', () => {
    const single = summarize('custom', machine, fanout.filter((r) => r.round === 1), []);
    expect(single.cpuRatio).toBe(0.6);
    expect(markdown(single)).not.toContain('| round |');
  });
});
