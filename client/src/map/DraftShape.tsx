// The feature being drawn: its placed positions and the shape they make so far.
import { geoPath, type GeoProjection } from 'd3-geo';
import type { GeometryKind } from './geometry';

interface Props {
  kind: GeometryKind;
  vertices: [number, number][];
  projection: GeoProjection;
}

export function DraftShape({ kind, vertices, projection }: Props) {
  const path = geoPath(projection);
  const line =
    vertices.length < 2
      ? null
      : kind === 'Polygon' && vertices.length >= 3
        ? path({ type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] })
        : path({ type: 'LineString', coordinates: vertices });
  return (
    <g className="draft" aria-hidden="true">
      {line && <path d={line} />}
      {vertices.map((vertex, index) => {
        const point = projection(vertex);
        return point ? <circle key={index} cx={point[0]} cy={point[1]} r={5} /> : null;
      })}
    </g>
  );
}
