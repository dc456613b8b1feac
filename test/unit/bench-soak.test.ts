// The soak's arithmetic and its reading of the metrics listener.
import { expect, test } from 'vitest';
import { parseMetrics } from '../../bench/servers/metrics';
import { slopePerMinute } from '../../bench/soak';

test('memory growth is the least-squares slope, per minute', () => {
  expect(slopePerMinute([[0, 100], [60, 101], [120, 102]])).toBeCloseTo(1, 9);
  expect(slopePerMinute([[0, 100], [30, 104], [60, 100], [90, 104]])).toBeCloseTo(1.6, 9);
  expect(slopePerMinute([[10, 5]])).toBe(0);
});

test('metrics are read by series, labels included, comments skipped', () => {
  const metrics = parseMetrics(
    [
      '# HELP tearline_live_docs Object docs held in memory',
      '# TYPE tearline_live_docs gauge',
      'tearline_live_docs 12',
      'tearline_broadcast_frames_total{path="direct"} 3456',
      'tearline_process_nodejs_eventloop_lag_p99_seconds 0.0012',
      '',
    ].join('\n'),
  );
  expect([...metrics]).toEqual([
    ['tearline_live_docs', 12],
    ['tearline_broadcast_frames_total{path="direct"}', 3456],
    ['tearline_process_nodejs_eventloop_lag_p99_seconds', 0.0012],
  ]);
});
