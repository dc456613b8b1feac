// One feature on the map: point, line or area, labelled with its portion mark and name. It can be
// dragged, or moved with the arrow keys when focused (Shift for finer steps).
import type { GeoProjection } from 'd3-geo';
import { geoPath } from 'd3-geo';
import type { KeyboardEvent, PointerEvent } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { readField, useReplicaDoc } from '../session/hooks';
import { fieldText } from '../../../shared/content';
import { useWorkspace } from '../workspace/context';
import { isGeometry, verticesOf, type FeatureGeometry } from './geometry';
import { toneClass } from '../markings/toneClass';

interface Props {
  feature: Envelope;
  projection: GeoProjection;
  selected: boolean;
  /** Geometry shown while the feature is being dragged. */
  preview: FeatureGeometry | null;
  onSelect: (id: string) => void;
  onDragStart: (feature: Envelope, geometry: FeatureGeometry, event: PointerEvent<SVGGElement>) => void;
  onNudge: (feature: Envelope, geometry: FeatureGeometry, dLon: number, dLat: number) => void;
}

const ARROWS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

export function FeatureShape({ feature, projection, selected, preview, onSelect, onDragStart, onNudge }: Props) {
  const { picture, cell, canEdit } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(feature.id));
  const stored = doc ? readField(doc, 'geometry', isGeometry) : undefined;
  const geometry = preview ?? stored;
  if (!geometry) return null;
  const name = (doc && fieldText(doc, 'name')) || 'Unnamed feature';
  const anchor = projection(verticesOf(geometry)[0]!);
  if (!anchor) return null;
  const path = geoPath(projection).pointRadius(6);

  const onKeyDown = (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(feature.id);
      return;
    }
    const arrow = ARROWS[event.key];
    if (!arrow || !canEdit || !stored) return;
    event.preventDefault();
    const step = event.shiftKey ? 0.1 : 1;
    onNudge(feature, stored, arrow[0] * step, arrow[1] * step);
  };

  return (
    <g
      className={`feature feature-${geometry.type.toLowerCase()} ${toneClass(feature, cell.policy)} ${selected ? 'selected' : ''}`}
      data-feature-id={feature.id}
      tabIndex={0}
      role="button"
      aria-pressed={selected}
      aria-label={`${name}, ${feature.portion}${canEdit ? '. Arrow keys move it.' : ''}`}
      onKeyDown={onKeyDown}
      onPointerDown={(event) => {
        event.stopPropagation();
        onSelect(feature.id);
        if (canEdit && stored) onDragStart(feature, stored, event);
      }}
    >
      <path d={path(geometry) ?? ''} />
      <text x={anchor[0] + 9} y={anchor[1] - 8} className="feature-label">
        <tspan className="feature-mark">{feature.portion}</tspan> {name}
      </text>
    </g>
  );
}
