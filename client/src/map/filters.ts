// Which features the map shows: by kind, affiliation, who may see them (e.g. "only what JPN can
// see", for an FDO checking a release) and when they were last active: created, or moved (the
// time each move writes beside the geometry, so a contact placed last week and moved an hour ago
// counts as active in the last hour). Pure.
import { releasableNations, type MarkingPolicy } from '../../../shared/markings';
import type { Affiliation } from '../../../shared/geo/symbols';
import type { GeometryKind } from '../../../shared/geo/geometry';
import { markingOf } from '../markings/cell';
import type { MapFeature } from './mapFeatures';

export interface MapFilter {
  kinds: ReadonlySet<GeometryKind>;
  /** 'none': points without a symbol, and lines and areas. */
  affiliations: ReadonlySet<Affiliation | 'none'>;
  /** A nation trigraph: only what it may see; '' for everything. */
  visibleTo: string;
  /** Hours back from now that a feature must have been created or moved in; 0 for any time. */
  withinHours: number;
}

export const SHOW_ALL: MapFilter = {
  kinds: new Set(['Point', 'LineString', 'Polygon']),
  affiliations: new Set(['F', 'H', 'N', 'U', 'none']),
  visibleTo: '',
  withinHours: 0,
};

/** When the feature was last created or moved (ms since the epoch). */
export function lastActive(f: Pick<MapFeature, 'envelope' | 'movedAt'>): number {
  const moved = f.movedAt ? Date.parse(f.movedAt) : NaN;
  const created = Date.parse(f.envelope.createdAt);
  return Number.isNaN(moved) ? created : Math.max(created, moved);
}

export function applyFilter(features: MapFeature[], filter: MapFilter, policy: MarkingPolicy, now: number): MapFeature[] {
  return features.filter((f) => {
    if (!filter.kinds.has(f.geometry.type)) return false;
    if (!filter.affiliations.has(f.affiliation ?? 'none')) return false;
    if (filter.withinHours > 0 && now - lastActive(f) > filter.withinHours * 3_600_000) return false;
    if (filter.visibleTo) {
      try {
        return releasableNations(markingOf(f.envelope.marking, f.envelope.originator, policy), policy).includes(filter.visibleTo);
      } catch {
        return false;
      }
    }
    return true;
  });
}
