// What a run's processes cost per edit, window after window from the first edit (`npm run bench --
// cluster --series`): the benchmark's one measured window hides whether the servers are still
// tiering up (V8 optimises the edit path for a minute or more: docs/performance.md, "the optimising
// compiler in steady state"), so the cumulative quantities (CPU seconds from /proc, command and
// commit counts) are sampled every few seconds and each window's differences divided by the edits
// sent in it. CPU time, not wall time: a loaded machine stretches the windows, not the figures.

/** Cumulative quantities at one instant, `atSeconds` after the first edit. */
export interface SeriesSample {
  atSeconds: number;
  edits: number;
  values: Record<string, number>;
}

/** One window's edits, and each quantity's growth over it per edit sent in it. */
export interface SeriesWindow {
  fromSeconds: number;
  toSeconds: number;
  edits: number;
  perEdit: Record<string, number>;
}

/** Consecutive samples' differences; a window without edits is left out (nothing to divide by). */
export function seriesWindows(samples: readonly SeriesSample[]): SeriesWindow[] {
  const windows: SeriesWindow[] = [];
  for (let i = 1; i < samples.length; i++) {
    const from = samples[i - 1]!;
    const to = samples[i]!;
    const edits = to.edits - from.edits;
    if (edits <= 0) continue;
    const perEdit: Record<string, number> = {};
    for (const [key, value] of Object.entries(to.values)) perEdit[key] = (value - (from.values[key] ?? 0)) / edits;
    windows.push({ fromSeconds: from.atSeconds, toSeconds: to.atSeconds, edits, perEdit });
  }
  return windows;
}

/**
 * Samples `sample()` now and every `everySeconds` until `stop()`, which takes one last sample and
 * answers them all. Samples run one at a time: a slow one delays the next rather than overlapping it.
 * The last sample replaces the one before when it comes less than half a period after it, so the
 * run's last window is not a sliver of a few edits.
 */
export function sampleSeries(everySeconds: number, sample: () => Promise<SeriesSample>): { stop(): Promise<SeriesSample[]> } {
  const samples: SeriesSample[] = [];
  let chain = sample().then((first) => void samples.push(first));
  const timer = setInterval(() => {
    chain = chain.then(async () => void samples.push(await sample()));
  }, everySeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await chain;
      const last = await sample();
      if (samples.length > 1 && last.atSeconds - samples.at(-1)!.atSeconds < everySeconds / 2) samples.pop();
      samples.push(last);
      return samples;
    },
  };
}
