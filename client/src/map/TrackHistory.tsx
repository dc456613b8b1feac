// A point's track history: every server-detected move the reader may see (time, who, where),
// drawn as a trail fading with age, with a slider to replay where it was at a chosen move. Derived
// from the move audit entries rather than from content, because those are written by the server
// from the mover's identity (a client cannot forge "who moved it") and are filtered per reader by
// the marking at each move. Loaded when the point is selected and again after each move.
import { useEffect, useId, useState } from 'react';
import { formatPosition } from '../../../shared/geo/coordinates';
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
  return (id && tracks.get(id)?.points) || [];
}

/** The trail of the selected point for the map: older legs fainter. */
export function useTrackOverlay(feature: MapFeature | undefined): Overlay['shapes'] {
  const points = useTrack(feature?.geometry.type === 'Point' ? feature : undefined);
  if (!feature || points.length === 0) return [];
  const positions = points.map((p) => p.position);
  const shapes: Overlay['shapes'] = [];
  for (let i = 1; i < positions.length; i++) {
    shapes.push({ kind: 'track', geometry: { type: 'LineString', coordinates: [positions[i - 1]!, positions[i]!] }, opacity: 0.15 + (0.75 * i) / positions.length });
  }
  const replay = replayIndex !== null ? points[replayIndex] : undefined;
  if (replay) shapes.push({ kind: 'measure', geometry: { type: 'Point', coordinates: replay.position }, label: `${replay.at.slice(11, 16)}Z` });
  return shapes;
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
  return (
    <div className="track-history">
      <label htmlFor={id}>
        Track history ({points.length} move{points.length > 1 ? 's' : ''}): replay
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
        {point.at.slice(0, 16).replace('T', ' ')}Z · {point.actor.sub} ({point.actor.nation}) · {formatPosition(point.position, format)}
      </p>
    </div>
  );
}
