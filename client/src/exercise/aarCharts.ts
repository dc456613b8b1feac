// The AAR's figures shaped for its charts: one row per bar, in reading order. Pure, so the rows
// are tested without a browser; AarCharts.tsx draws them.
import type { AarFigures, ReleaseOutcome } from '../../../shared/exercise/aarFigures';
import { DENIAL_CATEGORIES, DENIAL_CATEGORY_LABELS, type DenialCategory } from '../../../shared/release';

export interface ChartRow {
  label: string;
  /** Null: nothing to measure (never seen, still open); drawn as a note, not a bar. */
  value: number | null;
  /** What the bar stands for (its colour): how it was seen, how a release ended. */
  tone: string;
  /** Shown instead of a bar when `value` is null. */
  note?: string;
}

/** Time from each inject's release to each nation's first sight of it, per inject then nation. */
export function timeToShareRows(figures: AarFigures): ChartRow[] {
  return figures.injects
    .filter((inject) => inject.releasedAt !== null)
    .flatMap((inject) =>
      inject.nations.map((sight) => ({
        label: `${inject.injectId} · ${sight.nation}`,
        value: sight.at === null ? null : sight.afterMs,
        tone: sight.via ?? 'never',
        ...(sight.at === null ? { note: 'never saw it' } : {}),
      })),
    );
}

const OUTCOME_TEXT: Record<ReleaseOutcome, string> = {
  pending: 'still open',
  approved: 'approved',
  denied: 'denied',
  withdrawn: 'withdrawn',
  auto_released: 'released at deadline',
  expired: 'expired',
  failed: 'failed',
};

/** How long each release request took, per inject, in request order. */
export function releaseRows(figures: AarFigures): ChartRow[] {
  return figures.injects.flatMap((inject) =>
    inject.releases.map((release) => ({
      label: `${inject.injectId} · ${release.requestedBy ?? '?'} → ${release.to} (${OUTCOME_TEXT[release.outcome]})`,
      value: release.tookMs,
      tone: release.outcome,
      ...(release.tookMs === null ? { note: OUTCOME_TEXT[release.outcome] } : {}),
    })),
  );
}

/** Denials counted by category, in the categories' own order; categories with none left out. */
export function denialRows(figures: AarFigures): ChartRow[] {
  const counts = new Map<string, number>();
  for (const denial of figures.denials) counts.set(denial.category ?? 'other', (counts.get(denial.category ?? 'other') ?? 0) + 1);
  const known: readonly string[] = DENIAL_CATEGORIES;
  const order = [...known, ...[...counts.keys()].filter((c) => !known.includes(c)).sort()];
  return order
    .filter((category) => counts.has(category))
    .map((category) => ({ label: DENIAL_CATEGORY_LABELS[category as DenialCategory] ?? category, value: counts.get(category)!, tone: category }));
}
