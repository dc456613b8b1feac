// The whole picture replayed in time: every feature the participant may see, as it stood at a
// chosen moment, from the tracks the server keeps (GET /api/workspaces/:id/tracks). A feature
// created later is left out; a point stands where its last placement or move at or before that
// moment put it; a line or area keeps its current shape, placed at its first vertex of then (shape
// edits are not kept). A feature with no position the participant may see at or before that
// moment (placed or moved while not releasable to them) is left out and counted, never guessed.
// Pure.
import { anchorOf, translateGeometry, type FeatureGeometry } from '../../../shared/geo/geometry';
import type { TrackPoint } from '../../../shared/rest';
import type { MapFeature } from './mapFeatures';

export interface PictureAt {
  features: MapFeature[];
  /** Features that existed then whose position then is not the participant's to know. */
  unknown: number;
}

function placedAt(geometry: FeatureGeometry, position: [number, number]): FeatureGeometry {
  if (geometry.type === 'Point') return { type: 'Point', coordinates: position };
  const [lon, lat] = anchorOf(geometry);
  try {
    return translateGeometry(geometry, position[0] - lon, position[1] - lat);
  } catch {
    return geometry;
  }
}

export function pictureAt(features: readonly MapFeature[], tracks: Readonly<Record<string, readonly TrackPoint[]>>, at: number): PictureAt {
  const out: MapFeature[] = [];
  let unknown = 0;
  for (const feature of features) {
    if (Date.parse(feature.envelope.createdAt) > at) continue;
    const created = Date.parse(feature.envelope.createdAt);
    // A placement is audited a moment after the creation it belongs to: it stands from the creation.
    const then = (tracks[feature.envelope.id] ?? []).filter((point) => (point.event === 'placed' ? created : Date.parse(point.at)) <= at).at(-1);
    if (!then) {
      unknown++;
      continue;
    }
    out.push({
      ...feature,
      geometry: placedAt(feature.geometry, then.position),
      movedAt: then.event === 'moved' ? then.at : undefined,
      version: `${feature.version}@${then.at}`,
    });
  }
  return { features: out, unknown };
}

/** One step of the replay slider. */
export const PICTURE_STEP_MS = 60_000;

/**
 * Where the replay slider starts: a whole number of steps before `now`, at or before the first
 * feature's creation (now when there is none). Aligned to `now` so that every slider position,
 * now included, is a step the browser keeps as it is, rather than snapping it silently.
 */
export function pictureStart(features: readonly MapFeature[], now: number): number {
  const first = Math.min(now, ...features.map((f) => Date.parse(f.envelope.createdAt)));
  return now - Math.ceil((now - first) / PICTURE_STEP_MS) * PICTURE_STEP_MS;
}
