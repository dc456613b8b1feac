// Numbers of the sharing figures in words and chart units.

/** 0.4166 → '41.7 %'; null (nothing to divide) → 'n/a'. */
export function formatShare(share: number | null): string {
  return share === null ? 'n/a' : `${(Math.round(share * 1000) / 10).toFixed(1)} %`;
}

/** Share as a chart value in percent (0 when there is nothing to divide). */
export function percent(share: number | null): number {
  return share === null ? 0 : Math.round(share * 1000) / 10;
}

export interface TimeUnit {
  label: 's' | 'min' | 'h';
  ms: number;
}

/** A chart unit in which the longest time reads as a small number. */
export function timeUnitFor(maxMs: number): TimeUnit {
  if (maxMs < 120_000) return { label: 's', ms: 1000 };
  if (maxMs < 120 * 60_000) return { label: 'min', ms: 60_000 };
  return { label: 'h', ms: 3_600_000 };
}
