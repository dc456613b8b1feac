// Layers and filters: kinds, affiliations, who may see a feature, how recent it is, and the whole
// picture replayed at a chosen moment (pictureTime.ts).
import { AFFILIATIONS, type Affiliation } from '../../../shared/geo/symbols';
import { GEOMETRY_LABELS, type GeometryKind } from '../../../shared/geo/geometry';
import { useWorkspace } from '../workspace/context';
import type { MapFilter } from './filters';
import { PICTURE_STEP_MS } from './pictureTime';

/** The picture replayed in time: `at` null for the live picture. */
export interface PictureReplay {
  /** False while viewing as a partner: the tracks would be one's own, not theirs. */
  offered: boolean;
  at: number | null;
  start: number;
  end: number;
  /** Features that existed then whose position then the user may not know (not drawn). */
  unknown: number;
  loading: boolean;
  onChange: (at: number | null) => void;
}

interface Props {
  filter: MapFilter;
  onChange: (filter: MapFilter) => void;
  shown: number;
  total: number;
  replay: PictureReplay;
}

const dtg = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;

function toggle<T>(set: ReadonlySet<T>, value: T): Set<T> {
  const next = new Set(set);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return next;
}

const WITHIN: [number, string][] = [
  [0, 'any time'],
  [1, 'the last hour'],
  [24, 'the last 24 hours'],
  [168, 'the last 7 days'],
];

export function MapFilters({ filter, onChange, shown, total, replay }: Props) {
  const { cell } = useWorkspace();
  const affiliations: [Affiliation | 'none', string][] = [...(Object.entries(AFFILIATIONS) as [Affiliation, string][]), ['none', 'No symbol']];
  return (
    <details className="map-filters">
      <summary>
        Layers and filters ({shown} of {total} shown)
      </summary>
      <fieldset>
        <legend>Kinds</legend>
        {(Object.entries(GEOMETRY_LABELS) as [GeometryKind, string][]).map(([kind, label]) => (
          <label key={kind} className="check">
            <input type="checkbox" checked={filter.kinds.has(kind)} onChange={() => onChange({ ...filter, kinds: toggle(filter.kinds, kind) })} />
            {label[0]!.toUpperCase() + label.slice(1)}s
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Affiliation</legend>
        {affiliations.map(([value, label]) => (
          <label key={value} className="check">
            <input type="checkbox" checked={filter.affiliations.has(value)} onChange={() => onChange({ ...filter, affiliations: toggle(filter.affiliations, value) })} />
            {label}
          </label>
        ))}
      </fieldset>
      <label>
        Only what this nation may see{' '}
        <select value={filter.visibleTo} onChange={(e) => onChange({ ...filter, visibleTo: e.target.value })}>
          <option value="">Everything I see</option>
          {cell.members.map((nation) => (
            <option key={nation} value={nation}>
              {nation}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Created or moved within{' '}
        <select value={filter.withinHours} onChange={(e) => onChange({ ...filter, withinHours: Number(e.target.value) })}>
          {WITHIN.map(([hours, label]) => (
            <option key={hours} value={hours}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="picture-replay">
        <legend>Picture in time</legend>
        {!replay.offered && <p className="muted">Not offered while viewing as a partner: the tracks would be yours, not theirs.</p>}
        <label className="check">
          <input type="checkbox" disabled={!replay.offered} checked={replay.at !== null} onChange={(e) => replay.onChange(e.target.checked ? replay.end : null)} />
          Replay the whole picture
        </label>
        {replay.at !== null && (
          <>
            <input
              type="range"
              aria-label="Picture at"
              min={replay.start}
              max={replay.end}
              step={PICTURE_STEP_MS}
              value={replay.at}
              onChange={(e) => replay.onChange(Number(e.target.value))}
            />
            <p role="status" data-testid="picture-time">
              {replay.loading
                ? 'Loading the tracks…'
                : `Picture at ${dtg(replay.at)}${replay.unknown ? `; ${replay.unknown} feature${replay.unknown === 1 ? '' : 's'} not drawn: where ${replay.unknown === 1 ? 'it' : 'they'} stood then is not releasable to you` : ''}. Editing on the map waits until you leave the replay.`}
            </p>
          </>
        )}
      </fieldset>
    </details>
  );
}
