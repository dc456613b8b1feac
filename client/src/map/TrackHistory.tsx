// A point's track history: where it was placed and every server-detected move the reader may see
// (time, who, where), drawn as a trail fading with age, with a slider to replay where it was at a
// chosen move. Derived from the creation and move audit entries rather than from content, because
// those are written by the server from the mover's identity (a client cannot forge "who moved it")
// and are filtered per reader by the marking at each move. Loaded when the point is selected and
// again after each move.
import { useEffect, useId, useMemo, useState } from 'react';
import { formatPosition, type PositionFormat } from '../../../shared/geo/coordinates';
import type { TrackPoint } from '../../../shared/rest';
import type { Envelope } from '../../../shared/protocol';
import { fetchTrack } from '../session/api';
import { useWorkspace } from '../workspace/context';
import type { Overlay } from './engine';
import type { MapFeature } from './mapFeatures';
import { usePositionPrefs } from './positionPrefs';

const tracks = new Map<string, { version: string; points: TrackPoint[] }>();
const listeners = new Set<() => void>();
let replayIndex: number | null = null;
/** No track: one array, so a render with no track selected leaves the map's overlay alone. */
const NO_POINTS: TrackPoint[] = [];
const NO_SHAPES: Overlay['shapes'] = [];

function useTrack(feature: Pick<MapFeature, 'envelope' | 'version'> | undefined): TrackPoint[] {
  const { identity, session } = useWorkspace();
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  const id = feature?.envelope.id;
  const version = feature?.version;
  useEffect(() => {
    if (!id || !version || !session || tracks.get(id)?.version === version) return;
    let live = true;
    // The move's audit entry is appended once the update is durable: ask a moment later.
    const timer = setTimeout(() => {
      fetchTrack(identity.token, feature.envelope.workspaceId, id)
        .then(({ points }) => {
          if (!live) return;
          tracks.set(id, { version, points });
          replayIndex = null;
          for (const listener of listeners) listener();
        })
        .catch(() => undefined);
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, version, session]);
  return (id && tracks.get(id)?.points) || NO_POINTS;
}

/**
 * A trail for the map: one leg per move, the oldest faintest (opacity rising from 0.15 to 0.9 for
 * the latest), and a marker labelled with its time where the replay slider stands. Pure.
 */
export function trackShapes(points: readonly Pick<TrackPoint, 'at' | 'position'>[], replay: number | null): Overlay['shapes'] {
  const shapes: Overlay['shapes'] = [];
  const legs = points.length - 1;
  for (let i = 1; i < points.length; i++) {
    shapes.push({ kind: 'track', geometry: { type: 'LineString', coordinates: [points[i - 1]!.position, points[i]!.position] }, opacity: 0.15 + (0.75 * i) / legs });
  }
  const shown = replay !== null ? points[replay] : undefined;
  if (shown) shapes.push({ kind: 'measure', geometry: { type: 'Point', coordinates: shown.position }, label: `${shown.at.slice(11, 16)}Z` });
  return shapes;
}

/**
 * The trail of the selected point for the map: the same array until the trail changes. The map
 * redraws whenever its overlay is set, and a new empty trail on every render of the map panel
 * redrew the whole map (every feature, decluttered) on any workspace change, a tab opened too.
 */
export function useTrackOverlay(feature: MapFeature | undefined): Overlay['shapes'] {
  const points = useTrack(feature?.geometry.type === 'Point' ? feature : undefined);
  const shown = feature !== undefined;
  return useMemo(() => (shown ? trackShapes(points, replayIndex) : NO_SHAPES), [shown, points, replayIndex]);
}

/** One point of the track in words: when, what, who (name and nation), where. */
export function trackPointText(point: TrackPoint, format: PositionFormat): string {
  const who = `${point.actorName ?? point.actor.sub} (${point.actor.nation ?? 'server'})`;
  return `${point.at.slice(0, 16).replace('T', ' ')}Z · ${point.event === 'placed' ? 'placed' : 'moved'} by ${who} · ${formatPosition(point.position, format)}`;
}

export function TrackHistory({ feature }: { feature: Envelope }) {
  const { picture } = useWorkspace();
  const id = useId();
  const { format } = usePositionPrefs();
  const replica = picture.replica(feature.id);
  const points = useTrack(replica ? { envelope: feature, version: `${replica.serial}.${replica.version}|${feature.marking}` } : undefined);
  const [, setTick] = useState(0);
  if (points.length === 0) return <p className="muted">No moves recorded yet.</p>;
  const shown = replayIndex ?? points.length - 1;
  const point = points[shown]!;
  const moves = points.filter((p) => p.event === 'moved').length;
  if (moves === 0) {
    return (
      <p className="muted" data-testid="track-point">
        No moves recorded yet: {trackPointText(point, format)}
      </p>
    );
  }
  return (
    <div className="track-history">
      <label htmlFor={id}>
        Track history ({moves} move{moves === 1 ? '' : 's'}): replay
      </label>
      <input
        id={id}
        type="range"
        min={0}
        max={points.length - 1}
        value={shown}
        onChange={(e) => {
          replayIndex = Number(e.target.value);
          setTick((n) => n + 1);
          for (const listener of listeners) listener();
        }}
      />
      <p className="muted" data-testid="track-point">
        {trackPointText(point, format)}
      </p>
    </div>
  );
}
