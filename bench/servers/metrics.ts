// Reads a Prometheus text exposition into numbers by series, for scenarios that watch a server
// through its metrics listener as an operator would. Pure.
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)/;

/** Every sample line by its series (`name` or `name{labels}` as written); comments are skipped. */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match) series.set(match[1]!, Number(match[2]));
  }
  return series;
}
