// Prometheus metrics (prom-client), one registry per server so tests can run several. Served on a
// listener of their own (TEARLINE_METRICS_PORT), never the public port: they count activity over
// every object of every cell. Labels are fixed words (error codes, frame paths), never object,
// cell or participant ids, nor markings.
import type { RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connections: Gauge;
  rooms: Gauge;
  liveDocs: Gauge;
  loadedCells: Gauge;
  updates: Counter;
  rejected: Counter<'code'>;
  sessionsEnded: Counter<'reason'>;
  broadcastFrames: Counter<'path'>;
  ackFrames: Counter<'path'>;
  fanouts: Counter;
  fanoutSeconds: Histogram;
  compactionsFailed: Counter;
  relayEntries: Counter<'outcome'>;
  /** Stops the event-loop sampler (its timer would outlive a closed server in the same process). */
  close(): void;
}

export interface MetricSources {
  rooms(): number;
  liveDocs(): number;
  /** Cells this node holds in memory (loaded or loading). */
  loadedCells(): number;
  /** Room broadcast frames so far, by path (see server/rooms/directFrames.ts). */
  broadcastFrames(): { direct: number; engine: number };
  /** Answers to clients' requests so far, by path (see server/sessions/directAcks.ts). */
  ackFrames(): { direct: number; engine: number };
  /** Free bytes on the data directory's file system. */
  freeBytes(): Promise<number>;
  /** Writes the storage refused so far (full or failing disk, the file locked by another program). */
  storageFaults(): number;
  /** Audit entries accepted but not yet stored. */
  auditUnwritten(): number;
  /** Audit entries whose text could not be stored as it was: escaped, or left out (AuditLog.unstorableEntries). */
  auditUnstorable(): { escaped: number; dropped: number };
}

/**
 * Event-loop delay sampling period: fine enough for the lag a user feels (tens of ms and up). A
 * finer one wakes an idle server more often (prom-client's 10 ms default: 100 times a second,
 * more CPU than a quiet cell's whole traffic; test/integration/idle.test.ts).
 */
export const EVENT_LOOP_SAMPLE_MS = 100;
const PROCESS_PREFIX = 'tearline_process_';

const requireCjs = createRequire(import.meta.url);
type DefaultMetric = (registry: Registry, config: { prefix: string }) => void;

/**
 * prom-client's default metrics (CPU, memory, heap, handles, GC…) except its event-loop ones,
 * which `collectDefaultMetrics` cannot leave out (prom-client 15 has no option for it): they
 * report the delay histogram as it is, and each sample there is the sampler timer's whole
 * interval, so an idle loop read 100 ms. `metricsList` names the modules it would register.
 */
function defaultMetricsButEventLoop(registry: Registry): void {
  for (const name of collectDefaultMetrics.metricsList) {
    if (name === 'eventLoopLag') continue;
    (requireCjs(`prom-client/lib/metrics/${name}`) as DefaultMetric)(registry, { prefix: PROCESS_PREFIX });
  }
}

/**
 * What each gauge reads from one window of the delay histogram (nanoseconds). The bare name was
 * prom-client's delay of one setImmediate at scrape time; here it is the window's mean.
 */
const LAG_FIGURES: readonly { suffix: string; help: string; read(h: LagHistogram): number; shifted: boolean }[] = [
  { suffix: '', help: 'Mean event-loop lag since the last scrape', read: (h) => h.mean, shifted: true },
  { suffix: 'min_', help: 'Least event-loop lag since the last scrape', read: (h) => h.min, shifted: true },
  { suffix: 'max_', help: 'Greatest event-loop lag since the last scrape', read: (h) => h.max, shifted: true },
  { suffix: 'mean_', help: 'Mean event-loop lag since the last scrape', read: (h) => h.mean, shifted: true },
  { suffix: 'stddev_', help: 'Standard deviation of the event-loop lag since the last scrape', read: (h) => h.stddev, shifted: false },
  { suffix: 'p50_', help: 'Median event-loop lag since the last scrape', read: (h) => h.percentile(50), shifted: true },
  { suffix: 'p90_', help: '90th percentile of the event-loop lag since the last scrape', read: (h) => h.percentile(90), shifted: true },
  { suffix: 'p99_', help: '99th percentile of the event-loop lag since the last scrape', read: (h) => h.percentile(99), shifted: true },
];

/**
 * The lag of one sample: the sampler's timer records the time between its runs, the period plus
 * however late it ran, so the period comes off (libuv's whole-millisecond clock can make an
 * interval a little short of it: never below zero).
 */
export function lagSeconds(intervalNs: number, periodMs: number): number {
  return Math.max(0, intervalNs - periodMs * 1e6) / 1e9;
}

/** What the lag gauges read of node's delay histogram (perf_hooks), so a test can hand them its own windows. */
export type LagHistogram = Pick<IntervalHistogram, 'enable' | 'disable' | 'reset' | 'count' | 'mean' | 'min' | 'max' | 'stddev' | 'percentile'>;

/**
 * Event-loop lag gauges under prom-client's names, so dashboards keep working, minus the sampling
 * period. `histogram`: node's delay sampler at that period (a test's windows instead).
 */
export function eventLoopLag(registry: Registry, periodMs: number, histogram: LagHistogram = monitorEventLoopDelay({ resolution: periodMs })): { close(): void } {
  histogram.enable();
  const gauges: { figure: (typeof LAG_FIGURES)[number]; gauge: Gauge }[] = [];
  // One collect sets them all, then starts a new window. A scrape sooner than one period after
  // the last finds no sample and keeps the last window's figures rather than reporting none.
  const collect = () => {
    if (histogram.count === 0) return;
    for (const { figure, gauge } of gauges) {
      const value = figure.read(histogram);
      gauge.set(figure.shifted ? lagSeconds(value, periodMs) : value / 1e9);
    }
    histogram.reset();
  };
  for (const figure of LAG_FIGURES) {
    const name = `${PROCESS_PREFIX}nodejs_eventloop_lag_${figure.suffix}seconds`;
    gauges.push({ figure, gauge: new Gauge({ name, help: figure.help, registers: [registry], ...(gauges.length === 0 ? { collect } : {}) }) });
  }
  return { close: () => histogram.disable() };
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  const reported = { broadcast: { direct: 0, engine: 0 }, ack: { direct: 0, engine: 0 }, storageFaults: 0, auditUnstorable: { escaped: 0, dropped: 0 } };
  defaultMetricsButEventLoop(registry);
  const lag = eventLoopLag(registry, EVENT_LOOP_SAMPLE_MS);
  // Storage health, read only when collected: nothing else holds these.
  new Gauge({
    name: 'tearline_storage_free_bytes',
    help: "Free bytes on the data directory's file system (TEARLINE_DISK_WARN_BYTES warns below)",
    registers: [registry],
    async collect() {
      this.set(await sources.freeBytes());
    },
  });
  new Counter({
    name: 'tearline_storage_write_failures_total',
    help: 'Durable writes refused by the storage (disk full or failing, or the file locked by another program): each answered `unavailable` or retried',
    registers: [registry],
    collect() {
      const now = sources.storageFaults();
      this.inc(now - reported.storageFaults);
      reported.storageFaults = now;
    },
  });
  new Counter({
    name: 'tearline_audit_unstorable_entries_total',
    help: 'Audit entries whose text could not be stored as it was, by outcome: stored with control characters escaped, or refused by the database for what they held and left out of the log (written to the server log)',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const now = sources.auditUnstorable();
      for (const outcome of ['escaped', 'dropped'] as const) {
        this.inc({ outcome }, now[outcome] - reported.auditUnstorable[outcome]);
        reported.auditUnstorable[outcome] = now[outcome];
      }
    },
  });
  new Gauge({
    name: 'tearline_audit_unwritten_entries',
    help: 'Audit entries kept in memory because the storage refused them; written when it takes writes again',
    registers: [registry],
    collect() {
      this.set(sources.auditUnwritten());
    },
  });
  return {
    close: lag.close,
    registry,
    connections: new Gauge({ name: 'tearline_connections', help: 'Open socket connections', registers: [registry] }),
    rooms: new Gauge({
      name: 'tearline_rooms',
      help: 'Socket.io rooms on this node (cells × access levels, plus one per socket)',
      registers: [registry],
      collect() {
        this.set(sources.rooms());
      },
    }),
    liveDocs: new Gauge({
      name: 'tearline_live_docs',
      help: 'Object docs held in memory',
      registers: [registry],
      collect() {
        this.set(sources.liveDocs());
      },
    }),
    loadedCells: new Gauge({
      name: 'tearline_cells_loaded',
      help: 'Cells (workspaces) held in memory on this node; idle ones leave after TEARLINE_CELL_IDLE_MS',
      registers: [registry],
      collect() {
        this.set(sources.loadedCells());
      },
    }),
    updates: new Counter({ name: 'tearline_updates_total', help: 'Durable doc updates accepted (rate() gives updates/s)', registers: [registry] }),
    rejected: new Counter({
      name: 'tearline_rejected_total',
      help: 'Client messages answered with an error, by code',
      labelNames: ['code'],
      registers: [registry],
    }),
    sessionsEnded: new Counter({
      name: 'tearline_sessions_ended_total',
      help: 'Sessions the server ended, by reason: expired (token) or slow_reader (pending output past TEARLINE_MAX_PENDING_OUTPUT_BYTES)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    broadcastFrames: new Counter({
      name: 'tearline_broadcast_frames_total',
      help: 'Room broadcast frames, by path: written straight to the WebSocket, or through engine.io',
      labelNames: ['path'],
      registers: [registry],
      collect() {
        const now = sources.broadcastFrames();
        for (const path of ['direct', 'engine'] as const) {
          this.inc({ path }, now[path] - reported.broadcast[path]);
          reported.broadcast[path] = now[path];
        }
      },
    }),
    ackFrames: new Counter({
      name: 'tearline_ack_frames_total',
      help: 'Answers to client requests (acks), by path: written straight to the WebSocket, or through socket.io and engine.io',
      labelNames: ['path'],
      registers: [registry],
      collect() {
        const now = sources.ackFrames();
        for (const path of ['direct', 'engine'] as const) {
          this.inc({ path }, now[path] - reported.ack[path]);
          reported.ack[path] = now[path];
        }
      },
    }),
    fanouts: new Counter({ name: 'tearline_fanouts_total', help: 'Coalesced doc updates sent to rooms', registers: [registry] }),
    fanoutSeconds: new Histogram({
      name: 'tearline_fanout_latency_seconds',
      help: 'From receiving an update to sending it to its rooms (durable write included)',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    compactionsFailed: new Counter({
      name: 'tearline_compactions_failed_total',
      help: 'Compactions of an update log into a snapshot that failed (retried later; edits are unaffected)',
      registers: [registry],
    }),
    relayEntries: new Counter({
      name: 'tearline_relay_entries_total',
      help: 'Relay entries read from the shards this node follows: handled (decoded and applied), skipped (of a cell this node does not hold: not decoded), own (updates this node stored, counted at commit: not decoded), refused (malformed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

/** The metrics listener: `GET /metrics`, and 404 for anything else. */
export function metricsListener(metrics: Metrics, onError: (err: unknown) => void): RequestListener {
  return (req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => {
        onError(err);
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('The metrics could not be collected; the error is in the server log.\n');
      },
    );
  };
}
