// Measuring on the map: range and bearing (true, and magnetic from the World Magnetic Model for a
// chosen date) between two clicks, the length of a path, the area of a ring, and a range ring
// around a point. Only what is clicked is measured: nothing here reads features, so nothing hidden
// can enter a measurement.
import { formatPosition, type LonLat } from '../../../shared/geo/coordinates';
import { declinationAt, formatDeclination, magneticBearing } from '../../../shared/geo/magnetic';
import { areaSquareMetres, bearingTrue, formatArea, formatBearing, formatDistance, lengthMetres, rangeMetres, rangeRing, METRES_PER_NM } from '../../../shared/geo/measure';
import type { Overlay } from './engine';
import { usePositionPrefs } from './positionPrefs';

export type MeasureTool = 'range' | 'length' | 'area' | 'ring';

export const MEASURE_LABELS: Record<MeasureTool, string> = { range: 'Range & bearing', length: 'Length', area: 'Area', ring: 'Range ring' };

export interface MeasureState {
  tool: MeasureTool;
  points: LonLat[];
  radiusNm: number;
  /** The day (YYYY-MM-DD, UTC) magnetic bearings are given for: today unless the user picks another. */
  date: string;
}

export const today = () => new Date().toISOString().slice(0, 10);

/** A bearing true and, where the model gives a declination at `at`, magnetic. */
function bearingText(trueBearing: number, at: LonLat, date: Date): string {
  const declination = declinationAt(at, date);
  return declination.ok ? `${formatBearing(trueBearing)} / ${formatBearing(magneticBearing(trueBearing, declination.degrees), 'M')}` : formatBearing(trueBearing);
}

/** The declination at each end of a range and bearing, or why there is no magnetic bearing. */
export function magneticText(state: MeasureState): string {
  if (state.tool !== 'range' || state.points.length < 2) return '';
  const date = new Date(`${state.date}T12:00:00Z`);
  const [a, b] = state.points.map((p) => declinationAt(p, date)) as [ReturnType<typeof declinationAt>, ReturnType<typeof declinationAt>];
  if (!a.ok) return a.reason;
  if (!b.ok) return `${b.reason} (at the second point)`;
  return `Declination ${formatDeclination(a.degrees)} at the first point, ${formatDeclination(b.degrees)} at the second, on ${state.date} (${a.model})${a.caution ? `. ${a.caution}` : b.caution ? `. ${b.caution}` : ''}`;
}

/** The measurement in words, or a prompt for the next click. */
export function measureText(state: MeasureState): string {
  const { tool, points } = state;
  if (tool === 'range') {
    if (points.length < 2) return points.length ? 'Click the second point.' : 'Click the first point.';
    const [a, b] = points as [LonLat, LonLat];
    // Each bearing is taken where it starts, so each uses the declination there.
    const date = new Date(`${state.date}T12:00:00Z`);
    return `Range ${formatDistance(rangeMetres(a, b))}, bearing ${bearingText(bearingTrue(a, b), a, date)} (reciprocal ${bearingText(bearingTrue(b, a), b, date)})`;
  }
  if (tool === 'length') return points.length < 2 ? 'Click along the path.' : `Length ${formatDistance(lengthMetres(points))} over ${points.length - 1} legs`;
  if (tool === 'area') return points.length < 3 ? 'Click at least three corners.' : `Area ${formatArea(areaSquareMetres(points))}, perimeter ${formatDistance(lengthMetres([...points, points[0]!]))}`;
  return points.length ? `Range ring of ${state.radiusNm} nm` : 'Click the centre.';
}

export function measureOverlay(state: MeasureState): Overlay['shapes'] {
  const { tool, points } = state;
  const text = measureText(state);
  const shapes: Overlay['shapes'] = points.map((p) => ({ kind: 'measure', geometry: { type: 'Point', coordinates: p } }));
  if (tool === 'ring' && points.length) {
    const centre = points.at(-1)!;
    shapes.push({ kind: 'measure', geometry: { type: 'Polygon', coordinates: [rangeRing(centre, state.radiusNm * METRES_PER_NM)] }, label: `${state.radiusNm} nm` });
  } else if (tool === 'area' && points.length >= 3) {
    shapes.push({ kind: 'measure', geometry: { type: 'Polygon', coordinates: [[...points, points[0]!]] }, label: text });
  } else if (points.length >= 2) {
    shapes.push({ kind: 'measure', geometry: { type: 'LineString', coordinates: points }, label: text });
  }
  return shapes;
}

export function MeasurePanel({ state, onChange }: { state: MeasureState; onChange: (state: MeasureState) => void }) {
  const { format } = usePositionPrefs();
  return (
    <div className="measure-panel panel" aria-label="Measurement">
      <p role="status" data-testid="measure-result">
        {measureText(state)}
      </p>
      {state.tool === 'range' && state.points.length === 2 && (
        <p className="muted" data-testid="measure-magnetic">
          {magneticText(state)}
        </p>
      )}
      {state.points.length > 0 && <p className="muted">From {formatPosition(state.points[0]!, format)}</p>}
      {state.tool === 'range' && (
        <label>
          Magnetic for{' '}
          <input type="date" value={state.date} required onChange={(e) => onChange({ ...state, date: e.target.value || today() })} />
        </label>
      )}
      {state.tool === 'ring' && (
        <label>
          Radius (nm){' '}
          <input type="number" min={0.1} max={5000} step="any" value={state.radiusNm} onChange={(e) => onChange({ ...state, radiusNm: Math.max(0.1, Number(e.target.value) || 0.1) })} />
        </label>
      )}
      <button type="button" onClick={() => onChange({ ...state, points: [] })}>
        Clear
      </button>
    </div>
  );
}
