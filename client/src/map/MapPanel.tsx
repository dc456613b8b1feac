// The map of features on an offline world basemap: pan (drag), zoom (wheel or buttons), add
// points, lines and areas by clicking or typing coordinates, drag or arrow-key features to move
// them, and edit the selected one below the map.
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import { fieldsOf } from '../../../shared/content';
import type { Envelope } from '../../../shared/protocol';
import { useWorkspace } from '../workspace/context';
import { ofKind } from '../workspace/selectors';
import { FeatureDetails } from './FeatureDetails';
import { FeatureList } from './FeatureList';
import { FeatureShape } from './FeatureShape';
import { normalizePosition, translateGeometry, type FeatureGeometry, type GeometryKind } from './geometry';
import { MapToolbar } from './MapToolbar';
import { NewFeatureForm } from './NewFeatureForm';
import { DraftShape } from './DraftShape';
import { MAP_HEIGHT, MAP_WIDTH, panBy, projectionFor, WORLD_VIEW, zoomAt, type Viewport } from './viewport';
import { WorldBasemap } from './WorldBasemap';

type Gesture =
  | { kind: 'pan'; last: [number, number] }
  | { kind: 'drag'; feature: Envelope; start: [number, number]; origin: FeatureGeometry; moved: boolean };

export function MapPanel() {
  const { snapshot, picture, setPresence, focus, byId } = useWorkspace();
  const svg = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<Viewport>(WORLD_VIEW);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ kind: GeometryKind; vertices: [number, number][] } | null>(null);
  const [preview, setPreview] = useState<{ id: string; geometry: FeatureGeometry } | null>(null);
  const gesture = useRef<Gesture | null>(null);
  const projection = useMemo(() => projectionFor(view), [view]);
  const features = ofKind(snapshot.objects, 'feature');
  const selected = features.find((feature) => feature.id === selectedId) ?? null;

  const toSvg = (event: { clientX: number; clientY: number }): [number, number] => {
    const matrix = svg.current?.getScreenCTM();
    if (!matrix) return [0, 0];
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return [point.x, point.y];
  };
  const toLonLat = (point: [number, number]): [number, number] | null => {
    const position = projection.invert?.(point);
    return position ? normalizePosition([position[0], position[1]]) : null;
  };

  const commitGeometry = (feature: Envelope, geometry: FeatureGeometry) => {
    const doc = picture.replica(feature.id)?.doc;
    doc?.transact(() => fieldsOf(doc).set('geometry', geometry));
  };

  const select = (id: string | null) => {
    setSelectedId(id);
    setPresence(id ? { objectId: id } : null);
  };

  // "Show item" and a new tearline open a feature by selecting it.
  const focusedFeature = focus && byId.get(focus.id)?.kind === 'feature' ? focus : null;
  useEffect(() => {
    if (!focusedFeature) return;
    setDraft(null);
    select(focusedFeature.id);
  }, [focusedFeature?.serial]); // one selection per request, not per render

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    const point = toSvg(event);
    if (draft) {
      const position = toLonLat(point);
      if (!position) return;
      setDraft({ ...draft, vertices: draft.kind === 'Point' ? [position] : [...draft.vertices, position] });
      return;
    }
    gesture.current = { kind: 'pan', last: point };
    event.currentTarget.setPointerCapture(event.pointerId);
  };

  const onDragStart = (feature: Envelope, origin: FeatureGeometry, event: PointerEvent<SVGGElement>) => {
    if (draft) return;
    const start = toLonLat(toSvg(event));
    if (!start) return;
    gesture.current = { kind: 'drag', feature, start, origin, moved: false };
    svg.current?.setPointerCapture(event.pointerId);
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const current = gesture.current;
    if (!current) return;
    const point = toSvg(event);
    if (current.kind === 'pan') {
      setView((v) => panBy(v, point[0] - current.last[0], point[1] - current.last[1]));
      gesture.current = { kind: 'pan', last: point };
      return;
    }
    const position = toLonLat(point);
    if (!position) return;
    current.moved = true;
    setPreview({ id: current.feature.id, geometry: translateGeometry(current.origin, position[0] - current.start[0], position[1] - current.start[1]) });
  };

  const onPointerUp = () => {
    const current = gesture.current;
    gesture.current = null;
    if (current?.kind === 'drag' && current.moved && preview) commitGeometry(current.feature, preview.geometry);
    setPreview(null);
  };

  const onWheel = (event: WheelEvent<SVGSVGElement>) => {
    setView((v) => zoomAt(v, event.deltaY < 0 ? 1.25 : 0.8, toSvg(event)));
  };

  return (
    <section className="map-panel" aria-label="Map">
      <MapToolbar
        drafting={draft?.kind ?? null}
        onDraft={(kind) => {
          setDraft(kind ? { kind, vertices: [] } : null);
          if (kind) select(null);
        }}
        onZoom={(factor) => setView((v) => zoomAt(v, factor))}
        onReset={() => setView(WORLD_VIEW)}
      />
      <svg
        ref={svg}
        className={`map ${draft ? 'drafting' : ''}`}
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        role="group"
        aria-label={draft ? `Map: click to place the ${draft.kind === 'Polygon' ? 'area' : draft.kind.toLowerCase()}'s positions` : 'Map of features'}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
      >
        <WorldBasemap projection={projection} />
        {features.map((feature) => (
          <FeatureShape
            key={feature.id}
            feature={feature}
            projection={projection}
            selected={feature.id === selectedId}
            preview={preview?.id === feature.id ? preview.geometry : null}
            onSelect={select}
            onDragStart={onDragStart}
            onNudge={(f, geometry, dLon, dLat) => commitGeometry(f, translateGeometry(geometry, dLon, dLat))}
          />
        ))}
        {draft && <DraftShape kind={draft.kind} vertices={draft.vertices} projection={projection} />}
      </svg>
      <div className="map-below">
        <FeatureList features={features} selectedId={selectedId} onSelect={select} />
        {draft ? (
          <NewFeatureForm
            kind={draft.kind}
            vertices={draft.vertices}
            onVertices={(vertices) => setDraft({ ...draft, vertices })}
            onDone={(id) => {
              setDraft(null);
              if (id) select(id);
            }}
          />
        ) : (
          selected && <FeatureDetails feature={selected} onClose={() => select(null)} />
        )}
      </div>
    </section>
  );
}
