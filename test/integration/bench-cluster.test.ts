// Keeps the multi-node benchmark from rotting: `npm run bench -- --nodes 1,2 --quick` runs the
// fan-out on one SQLite node (the baseline), then on one and on two nodes (PostgreSQL and a
// redis-server of its own) and writes every
// figure the capacity model of docs/performance.md needs, with the series of CPU per edit from the
// first edit on. No performance threshold is asserted.
// Skipped without PostgreSQL or redis-server locally, never in CI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { ClusterRow } from '../../bench/cluster';
import { runBench } from '../helpers/bench';
import { postgresTestsSkipped } from '../helpers/postgres';
import { redisTestsSkipped } from '../helpers/redis';

const dir = mkdtempSync(path.join(tmpdir(), 'tearline-bench-cluster-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(postgresTestsSkipped || redisTestsSkipped)('the multi-node benchmark', () => {
  test('npm run bench -- --nodes 1,2 --quick measures one and two nodes and writes the per-node figures', { timeout: 180_000 }, async () => {
    const out = path.join(dir, 'cluster.json');
    const { code, stdout, stderr } = await runBench(['--nodes', '1,2', '--quick', '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('### Several nodes');
    const { rows } = JSON.parse(readFileSync(out, 'utf8')) as { rows: ClusterRow[] };
    expect(rows.map((row) => `${row.store} ${row.nodes}`)).toEqual(['sqlite 1', 'postgres 1', 'postgres 2']);
    expect(stdout).toContain('÷ one SQLite node');
    // The warm-up used, and the servers' cost in the first window of edits (cold) beside the measured one.
    expect(stdout).toContain('after a warm-up of 0.5 s of edits');
    expect(stdout).toMatch(/Cold, the first 1 s of edits, 2 nodes on PostgreSQL and Redis: µs CPU per edit nodes \d+ · \d+, Redis \d+, PostgreSQL \d+, all \d+; ÷ the SQLite node's first window: \d/);
    for (const row of rows) {
      // Every edit reached every other client exactly once, wherever its node.
      expect(row.deliveries, `${row.nodes} nodes`).toBe(row.expectedDeliveries);
      expect(row.deliveries).toBeGreaterThan(0);
      expect(row.latencyMs.p50).toBeLessThanOrEqual(row.latencyMs.p99);
      expect(row.perNode).toHaveLength(row.nodes);
      for (const node of row.perNode) {
        expect(node.deliveries).toBeGreaterThan(0);
        expect(node.cpuMicrosPerDelivery).toBeGreaterThan(0);
      }
      expect(row.perNode.reduce((sum, node) => sum + node.deliveries, 0)).toBeLessThanOrEqual(row.deliveries);
      // Windows of 1 s from the first edit of the warm-up (0.5 s) to the end of the measured one (2 s): every edit in one.
      expect(row.series.length).toBeGreaterThanOrEqual(2);
      expect(row.series.reduce((sum, window) => sum + window.edits, 0)).toBe(Math.round(row.editsPerSecond * 2.5));
      for (const window of row.series) expect(window.cpuMicrosPerEditPerNode).toHaveLength(row.nodes);
      if (row.store === 'sqlite') continue;
      // /proc counts whole 10 ms ticks, and a quick run's redis-server may spend under one (a node
      // reads only the shards of cells it holds): measured, possibly zero, never negative.
      expect(row.cpuMicrosPerDelivery.redis).toBeGreaterThanOrEqual(0);
      expect(row.cpuMicrosPerDelivery.postgres).toBeGreaterThan(0);
      expect(row.cpuMicrosPerDelivery.total).toBeGreaterThan(row.cpuMicrosPerDelivery.nodes);
    }
  });
});
