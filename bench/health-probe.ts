// Asks a server's `/healthz` every 100 ms from a thread of its own, so the answer times measure
// the server and not this process's event loop (busy with hundreds of clients in the scenarios).
import { Worker } from 'node:worker_threads';

const PROBE_MS = 100;
const PROBE_TIMEOUT_MS = 10_000;

// Plain JavaScript: an `eval` worker is not loaded through tsx.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
parentPort.on('message', () => (running = false));
(async () => {
  while (running) {
    const started = performance.now();
    let ok = false;
    try {
      ok = (await fetch(workerData.url, { signal: AbortSignal.timeout(${PROBE_TIMEOUT_MS}) })).ok;
    } catch {}
    parentPort.postMessage({ ok, ms: performance.now() - started });
    await new Promise((resolve) => setTimeout(resolve, ${PROBE_MS}));
  }
  parentPort.postMessage('done');
})();
`;

export interface HealthFigures {
  probes: number;
  /** Probes without a 200 answer within 10 s. */
  failed: number;
  maxMs: number;
  p99Ms: number;
}

export class HealthProbe {
  private readonly answers: { ok: boolean; ms: number }[] = [];
  private readonly worker: Worker;
  private readonly finished: Promise<void>;

  constructor(baseUrl: string) {
    this.worker = new Worker(PROBE, { eval: true, workerData: { url: `${baseUrl}/healthz` } });
    this.finished = new Promise((resolve) => {
      this.worker.on('message', (message: { ok: boolean; ms: number } | 'done') => {
        if (message === 'done') resolve();
        else this.answers.push(message);
      });
    });
  }

  async stop(): Promise<HealthFigures> {
    this.worker.postMessage('stop');
    await this.finished;
    await this.worker.terminate();
    const times = this.answers.map((answer) => answer.ms).sort((a, b) => a - b);
    return {
      probes: this.answers.length,
      failed: this.answers.filter((answer) => !answer.ok).length,
      maxMs: times.at(-1) ?? 0,
      p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
    };
  }
}
