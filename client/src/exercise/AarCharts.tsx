// The AAR's charts, drawn as plain SVG (nothing fetched, nothing added to the bundle): time to
// share per inject and nation, how long releases took and how they ended, denials by category.
// Each bar is a `mark`; a row with nothing to measure says why in words instead.
import type { AarFigures } from '../../../shared/exercise/aarFigures';
import { denialRows, releaseRows, timeToShareRows, type ChartRow } from './aarCharts';

const LABEL_WIDTH = 300;
const BAR_WIDTH = 360;
const ROW_HEIGHT = 22;

const minutes = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

interface ChartProps {
  id: string;
  title: string;
  rows: ChartRow[];
  format: (value: number) => string;
  empty: string;
  /** The smallest full scale, so a few milliseconds never fill a bar. */
  scale: number;
}

function BarChart({ id, title, rows, format, empty, scale }: ChartProps) {
  const max = Math.max(scale, ...rows.map((row) => row.value ?? 0));
  const height = rows.length * ROW_HEIGHT + 4;
  return (
    <figure className="aar-chart" data-testid={`chart-${id}`}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <svg role="img" aria-label={title} width={LABEL_WIDTH + BAR_WIDTH + 80} height={height} viewBox={`0 0 ${LABEL_WIDTH + BAR_WIDTH + 80} ${height}`}>
          {rows.map((row, i) => {
            const y = i * ROW_HEIGHT + 2;
            // A zero still shows: seen at once is the best result, not a missing one.
            const width = row.value === null ? 0 : Math.max(2, (row.value / max) * BAR_WIDTH);
            return (
              <g key={i}>
                <text x={LABEL_WIDTH - 6} y={y + 15} textAnchor="end" className="aar-chart-label">{row.label}</text>
                {row.value === null ? (
                  <text x={LABEL_WIDTH} y={y + 15} className="aar-chart-note">{row.note}</text>
                ) : (
                  <>
                    <rect className={`mark tone-${row.tone}`} x={LABEL_WIDTH} y={y + 3} width={width} height={ROW_HEIGHT - 6}>
                      <title>{`${row.label}: ${format(row.value)}`}</title>
                    </rect>
                    <text x={LABEL_WIDTH + width + 4} y={y + 15} className="aar-chart-value">{format(row.value)}</text>
                  </>
                )}
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

export function AarCharts({ figures }: { figures: AarFigures }) {
  return (
    <div className="aar-charts">
      <BarChart id="time-to-share" title="Time to share: from each inject's release to each nation's first sight" rows={timeToShareRows(figures)} format={minutes} empty="No inject carrying information was released." scale={10 * 60_000} />
      <BarChart id="releases" title="Release requests: how long each took, and how it ended" rows={releaseRows(figures)} format={minutes} empty="No release was requested." scale={10 * 60_000} />
      <BarChart id="denials" title="Denials by category" rows={denialRows(figures)} format={(n) => String(n)} empty="No release was denied." scale={1} />
    </div>
  );
}
