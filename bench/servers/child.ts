// The child side of a benchmarked server process: tell the parent the port (and the metrics URL,
// for a server that has one), collect garbage on SIGUSR2 (so memory samples are not at the mercy
// of GC timing), stop on SIGTERM. Exiting through process.exit (not the default signal death)
// lets `--cpu-prof` write its profile.
export const READY_PREFIX = 'BENCH_READY ';

export interface ReadyLine {
  port: number;
  metricsUrl?: string;
  /** Where the Tearline child takes seeding batches (./tearline-seed.ts). */
  seedUrl?: string;
}

export function announceReady(port: number, close: () => Promise<void>, metricsUrl?: string, seedUrl?: string): void {
  process.on('SIGUSR2', () => globalThis.gc?.());
  let closing = false;
  process.on('SIGTERM', () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  // Last, so the parent never signals a process that has no handlers yet.
  const ready: ReadyLine = { port, metricsUrl, seedUrl };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(ready)}\n`);
}
