// Ocean, graticule, land and borders for the current projection.
import { geoGraticule10, geoPath, type GeoProjection } from 'd3-geo';
import { memo } from 'react';
import { BORDERS, LAND } from './basemapData';

const GRATICULE = geoGraticule10();

export const WorldBasemap = memo(function WorldBasemap({ projection }: { projection: GeoProjection }) {
  const path = geoPath(projection);
  return (
    <g className="basemap" aria-hidden="true">
      <path className="ocean" d={path({ type: 'Sphere' }) ?? ''} />
      <path className="graticule" d={path(GRATICULE) ?? ''} />
      <path className="land" d={path(LAND) ?? ''} />
      <path className="borders" d={path(BORDERS) ?? ''} />
    </g>
  );
});
