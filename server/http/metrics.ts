// Prometheus metrics (prom-client), one registry per server so tests can run several. Served on a
// listener of their own (TEARLINE_METRICS_PORT), never the public port: they count activity over
// every object of every cell. Labels are fixed words (error codes, frame paths), never object,
// cell or participant ids, nor markings.
import type { RequestListener } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connections: Gauge;
  rooms: Gauge;
  liveDocs: Gauge;
  updates: Counter;
  rejected: Counter<'code'>;
  sessionsEnded: Counter<'reason'>;
  broadcastFrames: Counter<'path'>;
  fanouts: Counter;
  fanoutSeconds: Histogram;
}

export interface MetricSources {
  rooms(): number;
  liveDocs(): number;
  /** Room broadcast frames so far, by path (see server/rooms/directFrames.ts). */
  broadcastFrames(): { direct: number; engine: number };
}

/** Event-loop delay sampling period: fine enough for the lag a user feels (tens of ms and up). */
const EVENT_LOOP_SAMPLE_MS = 100;

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  const reported = { direct: 0, engine: 0 };
  // The event-loop delay histogram samples on a libuv timer; prom-client's default (10 ms) wakes an
  // idle server 100 times a second, which costs more CPU than a quiet cell's whole traffic.
  collectDefaultMetrics({ register: registry, prefix: 'tearline_process_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return {
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
          this.inc({ path }, now[path] - reported[path]);
          reported[path] = now[path];
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
