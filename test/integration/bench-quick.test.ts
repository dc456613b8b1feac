// Keeps the benchmark harness from rotting: `npm run bench -- --quick` must run every server end
// to end and write a summary with sane figures. No performance threshold is asserted here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseOptions } from '../../bench/options';
import { runBench } from '../helpers/bench';

const dir = mkdtempSync(path.join(tmpdir(), 'tearline-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('npm run bench -- --quick measures all three servers and writes the summary', { timeout: 120_000 }, async () => {
  const out = path.join(dir, 'latest.json');
  // --out keeps the committed full-run bench/results/latest.json untouched.
  const { code, stdout, stderr } = await runBench(['--quick', '--out', out]);
  expect(code, stderr).toBe(0);

  expect(stdout).toContain('### Fan-out: edit → receive');
  expect(stdout).toContain('### Cold open and memory');

  const summary = JSON.parse(readFileSync(out, 'utf8'));
  expect(summary.mode).toBe('quick');
  expect(summary.notes).toEqual([]);
  expect(summary.clients).toBeGreaterThan(0);
  expect(summary.p99Ms).toBeGreaterThan(0);
  expect(summary.p99Ms).toBeLessThan(10_000);
  expect(summary.cpuRatio).toBeGreaterThan(0.01);
  expect(summary.cpuRatio).toBeLessThan(100);
  expect(summary.coldOpenMs).toBeGreaterThan(0);
  expect(summary.coldOpenMs).toBeLessThan(60_000);
  expect(summary.rssMb).toBeGreaterThan(10);
  expect(summary.rssMb).toBeLessThan(4096);

  const servers = ['tearline', 'y-websocket', 'hocuspocus'];
  expect(summary.fanout.map((r: { server: string }) => r.server).sort()).toEqual([...servers].sort());
  for (const row of summary.fanout) {
    // Every edit reached every other client exactly once, on every server.
    expect(row.deliveries, row.server).toBe(row.expectedDeliveries);
    expect(row.editsSent, row.server).toBeGreaterThan(0);
    expect(row.latencyMs.p50, row.server).toBeLessThanOrEqual(row.latencyMs.p99);
    expect(row.cpuMicrosPerDelivery, row.server).toBeGreaterThan(0);
    expect(row.wireBytesPerDelivery, row.server).toBeGreaterThan(0);
    expect(row.generatorSaturated, row.server).toBe(false);
  }
  // Every server opened every cell size of the quick plan, once each.
  const sizes = parseOptions(['--quick']).coldOpen!.objects;
  expect(summary.coldOpen.map((r: { server: string; objects: number }) => `${r.server} ${r.objects}`).sort()).toEqual(
    servers.flatMap((server) => sizes.map((objects) => `${server} ${objects}`)).sort(),
  );
  for (const row of summary.coldOpen) expect(row.coldOpenMs, row.server).toBeGreaterThan(0);
});

test('npm run bench -- frames measures one frame by each sending path', { timeout: 60_000 }, async () => {
  const { code, stdout, stderr } = await runBench(['frames', '--sockets', '10', '--rounds', '20']);
  expect(code, stderr).toBe(0);
  for (const path of ['ws', 'socket.io', 'raw']) {
    const row = stdout.split('\n').find((line) => line.startsWith(`| ${path} |`));
    const [total, user, system] = (row ?? '').split('|').slice(2, 5).map(Number);
    expect(total, `${path}: ${row}`).toBeGreaterThan(0);
    expect(total).toBeCloseTo(user! + system!, 1);
  }
});

test('npm run bench -- worst-update times a bystander while the largest accepted updates are applied', { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await runBench(['worst-update', '--rounds', '1']);
  expect(code, stderr).toBe(0);
  const rows = stdout.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| update') && !line.startsWith('| ---'));
  expect(rows.length).toBe(6);
  for (const row of rows) {
    const [name, , answer, , p50] = row.split('|').slice(1).map((cell) => cell.trim());
    if (name!.endsWith('(accepted)')) {
      expect(answer, row).toBe('ok');
      // An accepted update takes long enough that the bystander always has an edit in flight.
      expect(Number(p50), row).toBeGreaterThan(0);
    }
    if (name!.endsWith('(refused)')) expect(answer, row).toMatch(/too_large|bad_update/);
  }
});

test('npm run bench -- soak runs a mixed load, samples the server and finds every acknowledged edit', { timeout: 180_000 }, async () => {
  const out = path.join(dir, 'soak.json');
  // Docs idle for 2 s leave memory, so the quiet sample after the load comes within seconds.
  const { code, stdout, stderr } = await runBench(['soak', '--minutes', '0.5', '--sample', '3', '--out', out], { TEARLINE_DOC_IDLE_MS: '2000' });
  expect(code, `${stdout}\n${stderr}`).toBe(0);
  expect(stdout).toContain('### Soak');
  const result = JSON.parse(readFileSync(out, 'utf8'));
  expect(result.errors).toEqual([]);
  expect(result.readBack.lost).toBe(0);
  expect(result.readBack.acked).toBeGreaterThan(100);
  expect(result.readBack.acked).toBe(result.done['doc:update'] + result.done['object:create']);
  // Every kind of activity happened at least once, releases approved by the FDO included.
  for (const what of ['doc:update', 'object:create', 'awareness:update', 'object:remark', 'release:request', 'release:decide', 'swap']) {
    expect(result.done[what], what).toBeGreaterThan(0);
  }
  expect(result.samples.length).toBeGreaterThanOrEqual(8);
  for (const sample of result.samples) {
    expect(sample.rssMb).toBeGreaterThan(10);
    expect(sample.heapMb).toBeGreaterThan(1);
    expect(sample.connections).toBeGreaterThan(0);
    expect(sample.lagP99Ms).toBeGreaterThanOrEqual(0);
  }
  expect(Number.isFinite(result.heapSlope)).toBe(true);
  // Once everyone has left and the docs have idled out, the node holds none of them.
  expect(result.quiet).toMatchObject({ liveDocs: 0, connections: 0 });
});

test('npm run bench -- many-cells fans out in many small cells and reaches every client', { timeout: 120_000 }, async () => {
  const out = path.join(dir, 'many-cells.json');
  const { code, stderr } = await runBench(['many-cells', '--cells', '20', '--rate', '40', '--warmup', '0.5', '--seconds', '2', '--out', out]);
  expect(code, stderr).toBe(0);
  const { cells, fanout } = JSON.parse(readFileSync(out, 'utf8'));
  expect(cells).toBe(20);
  expect(fanout.clients).toBe(10);
  expect(fanout.editsSent).toBeGreaterThan(0);
  // One writer per cell, every other client of its cell receives each of its edits.
  expect(fanout.expectedDeliveries).toBe(fanout.editsSent * 9);
  expect(fanout.deliveries).toBe(fanout.expectedDeliveries);
  expect(fanout.latencyMs.p50).toBeLessThanOrEqual(fanout.latencyMs.p99);
  expect(fanout.cpuMicrosPerDelivery).toBeGreaterThan(0);
  expect(fanout.serverPeakRssMb).toBeGreaterThan(10);
});

/** The cells of the table row whose first cell is `label`. */
function row(stdout: string, label: string): string[] {
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(`| ${label} |`));
  expect(line, stdout).toBeDefined();
  return line!.split('|').slice(1, -1).map((cell) => cell.trim());
}

test('npm run bench -- storm kills the server, restarts it and times every client resyncing', { timeout: 180_000 }, async () => {
  const { code, stdout, stderr } = await runBench(['storm', '--clients', '50', '--objects', '20']);
  expect(code, stderr).toBe(0);
  const [, clients, connected, joined, resynced, , , refused, framesPerJoin, , healthMax, , healthFailed] = row(stdout, 'after SIGKILL, all at once');
  expect(Number(clients)).toBe(50);
  expect(Number(connected)).toBeGreaterThan(0);
  expect(Number(joined)).toBeGreaterThanOrEqual(Number(connected));
  expect(Number(resynced)).toBeGreaterThanOrEqual(Number(joined));
  expect(Number(refused)).toBeGreaterThanOrEqual(0);
  expect(Number(framesPerJoin)).toBeGreaterThan(0);
  expect(Number(healthMax)).toBeGreaterThan(0);
  expect(healthFailed).toMatch(/^0 of [1-9]\d*$/);
});

test('npm run bench -- slow-reader samples the server while clients stop reading', { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await runBench(['slow-reader', '--clients', '2', '--seconds', '6']);
  expect(code, stderr).toBe(0);
  const [, sessions, ended, requests, rss, afterGc] = row(stdout, '2');
  expect(Number(sessions)).toBe(2 + Number(ended));
  expect(Number(requests)).toBeGreaterThan(0);
  expect(rss).toMatch(/^\d+ → \d+ → \d+$/);
  expect(Number(afterGc)).toBeGreaterThan(0);
});
