// The map's projection state: a Natural Earth projection with a zoom factor and a pan offset, in
// the SVG's own coordinate space (MAP_WIDTH × MAP_HEIGHT). Pure, so zoom maths is testable.
import { geoNaturalEarth1, type GeoProjection } from 'd3-geo';

export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 500;
const BASE_SCALE = 175;
export const MIN_ZOOM = 1;
export const MAX_ZOOM = 24;

export interface Viewport {
  zoom: number;
  /** Pixel offset of the projection's centre from the SVG's centre. */
  offset: [number, number];
}

export const WORLD_VIEW: Viewport = { zoom: 1, offset: [0, 0] };

export function projectionFor(view: Viewport): GeoProjection {
  return geoNaturalEarth1()
    .scale(BASE_SCALE * view.zoom)
    .translate([MAP_WIDTH / 2 + view.offset[0], MAP_HEIGHT / 2 + view.offset[1]]);
}

/** Zooms by `factor` keeping the SVG point `anchor` fixed on screen. */
export function zoomAt(view: Viewport, factor: number, anchor: [number, number] = [MAP_WIDTH / 2, MAP_HEIGHT / 2]): Viewport {
  const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, view.zoom * factor));
  const applied = zoom / view.zoom;
  const centre: [number, number] = [MAP_WIDTH / 2 + view.offset[0], MAP_HEIGHT / 2 + view.offset[1]];
  const next: [number, number] = [anchor[0] - (anchor[0] - centre[0]) * applied, anchor[1] - (anchor[1] - centre[1]) * applied];
  return { zoom, offset: [next[0] - MAP_WIDTH / 2, next[1] - MAP_HEIGHT / 2] };
}

export function panBy(view: Viewport, dx: number, dy: number): Viewport {
  return { zoom: view.zoom, offset: [view.offset[0] + dx, view.offset[1] + dy] };
}
