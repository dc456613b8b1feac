// The map engine: one OpenLayers map (Canvas 2D, so it runs anywhere, headless Chromium included)
// with the offline basemap, the features as two layers (lines and areas; clustered points), and
// overlays for the feature being drawn, measurements, track history and the move handle. React
// owns the state; this class only draws it and reports clicks and finished edits.
import 'ol/ol.css';
import Collection from 'ol/Collection';
import ScaleLine from 'ol/control/ScaleLine';
import MousePosition from 'ol/control/MousePosition';
import Zoom from 'ol/control/Zoom';
import { boundingExtent, createEmpty, extend, isEmpty, type Extent } from 'ol/extent';
import Feature, { type FeatureLike } from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import LineString from 'ol/geom/LineString';
import Point from 'ol/geom/Point';
import Polygon from 'ol/geom/Polygon';
import Modify from 'ol/interaction/Modify';
import Translate from 'ol/interaction/Translate';
import { defaults as defaultInteractions } from 'ol/interaction/defaults';
import VectorLayer from 'ol/layer/Vector';
import OlMap from 'ol/Map';
import { fromLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';
import View from 'ol/View';
import { formatPosition, type LonLat, type PositionFormat } from '../../../shared/geo/coordinates';
import type { FeatureGeometry } from '../../../shared/geo/geometry';
import { basemapLayers } from './basemap';
import { clusterStyle, featureStyle } from './featureStyle';
import type { MapFeature } from './mapFeatures';
import { fromOl, lonLatAt, toOl } from './olGeometry';
import { ZoomClusters } from './zoomClusters';

export interface EngineEvents {
  /** A click on the map: the position, and the feature under it (null for none). */
  click(position: LonLat, featureId: string | null): void;
  /** A finished drag of the move handle or of a vertex. */
  edited(id: string, geometry: FeatureGeometry): void;
}

export interface ClusterLabel {
  (ids: string[]): { mark: string; tone: string };
}

export interface Overlay {
  /** Lines, areas and points to draw over the features, each with an optional label. */
  shapes: { geometry: FeatureGeometry; label?: string; kind: 'draft' | 'measure' | 'track'; opacity?: number }[];
}

const OVERLAY_STYLES = {
  draft: new Style({ stroke: new Stroke({ color: '#0b5cab', width: 2, lineDash: [6, 4] }), fill: new Fill({ color: 'rgba(11,92,171,0.15)' }), image: new Circle({ radius: 5, fill: new Fill({ color: '#0b5cab' }), stroke: new Stroke({ color: '#fff', width: 1.5 }) }) }),
  measure: new Style({ stroke: new Stroke({ color: '#6a1b9a', width: 2, lineDash: [2, 4] }), fill: new Fill({ color: 'rgba(106,27,154,0.08)' }), image: new Circle({ radius: 4, fill: new Fill({ color: '#6a1b9a' }) }) }),
  track: new Style({ stroke: new Stroke({ color: '#37474f', width: 2 }), image: new Circle({ radius: 3, fill: new Fill({ color: '#37474f' }) }) }),
};

const HANDLE_STYLE = new Style({
  image: new RegularShape({ points: 4, radius: 9, angle: Math.PI / 4, fill: new Fill({ color: '#ffbf47' }), stroke: new Stroke({ color: '#111', width: 2 }) }),
});

/** Points closer than this on screen draw as one cluster. */
const CLUSTER_DISTANCE_PX = 34;

export class MapEngine {
  readonly map: OlMap;
  private readonly shapes = new VectorSource<Feature<Geometry>>({ wrapX: true });
  private readonly points = new VectorSource<Feature<Geometry>>({ wrapX: true });
  private readonly clusters: ZoomClusters;
  private readonly overlay = new VectorSource<Feature<Geometry>>({ wrapX: false });
  private readonly handles = new VectorSource<Feature<Geometry>>({ wrapX: false });
  private readonly byId = new Map<string, { feature: Feature<Geometry>; version: string; source: VectorSource<Feature<Geometry>> }>();
  private readonly readout: MousePosition;
  private selectedId: string | null = null;
  private editable = false;
  private modify: Modify | null = null;
  private readonly translate: Translate;
  private format: PositionFormat = 'mgrs';

  constructor(target: HTMLElement, readoutTarget: HTMLElement, scaleTarget: HTMLElement, private readonly events: EngineEvents, clusterLabel: ClusterLabel) {
    this.readout = new MousePosition({
      target: readoutTarget,
      projection: 'EPSG:4326',
      placeholder: 'Point at the map for its position',
      coordinateFormat: (c) => (c ? formatPosition([c[0]!, c[1]!], this.format) : ''),
    });
    const pointLayer = new VectorLayer({
      className: 'tl-features',
      declutter: 'features',
      style: (feature: FeatureLike) => {
        const members = feature.get('features') as Feature[] | undefined;
        if (!members) return featureStyle(feature);
        // A cluster's members never change (a change re-clusters into new cluster features), so its roll-up is kept on it.
        let rollup = feature.get('rollup') as { mark: string; tone: string } | undefined;
        if (!rollup) (feature as Feature).set('rollup', (rollup = clusterLabel(members.map((m) => m.getId() as string))), true);
        return clusterStyle(members.length, rollup.mark, rollup.tone);
      },
    });
    this.map = new OlMap({
      target,
      controls: [new Zoom(), new ScaleLine({ target: scaleTarget, units: 'nautical', bar: false }), new ScaleLine({ target: scaleTarget, units: 'metric' }), this.readout],
      interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false, doubleClickZoom: false, keyboard: true }),
      layers: [
        ...basemapLayers(),
        new VectorLayer({ source: this.shapes, style: featureStyle, className: 'tl-features', declutter: 'features' }),
        pointLayer,
        new VectorLayer({ source: this.overlay, className: 'tl-overlay', style: (f) => this.overlayStyle(f) }),
        new VectorLayer({ source: this.handles, className: 'tl-overlay', style: HANDLE_STYLE }),
      ],
      view: new View({ center: fromLonLat([125, 20]), zoom: 2, minZoom: 1, maxZoom: 19, constrainResolution: false }),
    });
    this.clusters = new ZoomClusters(pointLayer, this.points, this.map.getView(), CLUSTER_DISTANCE_PX);
    this.translate = new Translate({ layers: (layer) => layer.getSource() === this.handles, hitTolerance: 4 });
    this.translate.on('translatestart', () => this.handleDragStart());
    this.translate.on('translating', () => this.handleDragging());
    this.translate.on('translateend', () => this.handleDragEnd());
    this.map.addInteraction(this.translate);
    // 'click', not 'singleclick': placing positions in quick succession must not read as a double click.
    this.map.on('click', (event) => this.onClick(event.pixel, event.coordinate));
    // Each finished render is also a DOM event on the map's element, so a browser benchmark can
    // wait for a drawn map without reaching into OpenLayers (bench/map.ts); nothing listens in the app.
    this.map.on('rendercomplete', () => target.dispatchEvent(new Event('rendercomplete')));
  }

  /** Also takes the read-out and scale out of their targets (React may mount twice). */
  destroy(): void {
    this.map.dispose();
  }

  setFormat(format: PositionFormat): void {
    this.format = format;
    this.readout.changed();
  }

  /** Brings the drawn features in line with `features`, touching only those that changed. */
  setFeatures(features: MapFeature[], toneOf: (f: MapFeature) => string): void {
    const seen = new Set<string>();
    const addShapes: Feature<Geometry>[] = [];
    const addPoints: Feature<Geometry>[] = [];
    for (const f of features) {
      const id = f.envelope.id;
      seen.add(id);
      const source = f.geometry.type === 'Point' ? this.points : this.shapes;
      const existing = this.byId.get(id);
      if (existing && existing.version === f.version && existing.source === source) continue;
      if (existing) existing.source.removeFeature(existing.feature);
      const feature = new Feature<Geometry>({ geometry: toOl(f.geometry) });
      feature.setId(id);
      feature.setProperties({ tone: toneOf(f), label: `${f.envelope.portion} ${f.name}`, sidc: f.sidc, selected: id === this.selectedId, lonlat: f.geometry });
      this.byId.set(id, { feature, version: f.version, source });
      (source === this.points ? addPoints : addShapes).push(feature);
    }
    for (const [id, entry] of this.byId) {
      if (seen.has(id)) continue;
      entry.source.removeFeature(entry.feature);
      this.byId.delete(id);
    }
    if (addShapes.length) this.shapes.addFeatures(addShapes);
    if (addPoints.length) this.points.addFeatures(addPoints);
    this.refreshEditing();
  }

  setSelected(id: string | null, editable: boolean): void {
    if (this.selectedId !== id) {
      this.byId.get(this.selectedId ?? '')?.feature.set('selected', false);
      this.byId.get(id ?? '')?.feature.set('selected', true);
    }
    this.selectedId = id;
    this.editable = editable;
    this.refreshEditing();
  }

  setOverlay(overlay: Overlay): void {
    this.overlay.clear();
    this.overlay.addFeatures(
      overlay.shapes.map((shape) => {
        const f = new Feature<Geometry>({ geometry: toOl(shape.geometry) });
        f.setProperties({ kind: shape.kind, label: shape.label ?? '', opacity: shape.opacity ?? 1 });
        return f;
      }),
    );
  }

  private overlayStyle(f: FeatureLike): Style[] {
    const base = OVERLAY_STYLES[f.get('kind') as keyof typeof OVERLAY_STYLES];
    const opacity = f.get('opacity') as number;
    const styles = [opacity < 1 ? fadedStyle(base, opacity) : base];
    const text = f.get('label') as string;
    if (text) {
      styles.push(
        new Style({
          text: new Text({ text, font: '600 12px system-ui, sans-serif', overflow: true, offsetY: -14, placement: 'point', fill: new Fill({ color: '#3a0d52' }), stroke: new Stroke({ color: '#fff', width: 4 }) }),
        }),
      );
    }
    return styles;
  }

  /** The selected point (never hidden inside a cluster), its move handle, and vertex editing of a selected line or area. */
  private refreshEditing(): void {
    const entry = this.selectedId ? this.byId.get(this.selectedId) : undefined;
    this.clusters.setSolo(entry?.source === this.points ? entry.feature : null);
    this.handles.clear();
    if (this.modify) {
      this.map.removeInteraction(this.modify);
      this.modify = null;
    }
    if (!entry || !this.editable) return;
    const geometry = entry.feature.getGeometry();
    const anchor = geometry instanceof Point ? geometry.getCoordinates() : geometry instanceof LineString ? geometry.getFirstCoordinate() : geometry instanceof Polygon ? geometry.getInteriorPoint().getCoordinates().slice(0, 2) : undefined;
    if (!anchor) return;
    this.handles.addFeature(new Feature({ geometry: new Point(anchor) }));
    if (geometry instanceof Point) return;
    this.modify = new Modify({ features: new Collection([entry.feature]), pixelTolerance: 8 });
    this.modify.on('modifyend', () => {
      const edited = fromOl(entry.feature.getGeometry()!);
      if (edited && this.selectedId) this.events.edited(this.selectedId, edited);
    });
    this.map.addInteraction(this.modify);
  }

  private dragOrigin: { handle: number[]; geometry: Geometry } | null = null;

  private handleDragStart(): void {
    const entry = this.selectedId ? this.byId.get(this.selectedId) : undefined;
    const handle = this.handles.getFeatures()[0]?.getGeometry() as Point | undefined;
    this.dragOrigin = entry && handle ? { handle: handle.getCoordinates(), geometry: entry.feature.getGeometry()!.clone() } : null;
  }

  private handleDragging(): void {
    const entry = this.selectedId ? this.byId.get(this.selectedId) : undefined;
    const handle = this.handles.getFeatures()[0]?.getGeometry() as Point | undefined;
    if (!entry || !handle || !this.dragOrigin) return;
    const [x, y] = handle.getCoordinates();
    const moved = this.dragOrigin.geometry.clone();
    moved.translate(x! - this.dragOrigin.handle[0]!, y! - this.dragOrigin.handle[1]!);
    entry.feature.setGeometry(moved);
  }

  private handleDragEnd(): void {
    const entry = this.selectedId ? this.byId.get(this.selectedId) : undefined;
    this.dragOrigin = null;
    const edited = entry && fromOl(entry.feature.getGeometry()!);
    if (edited && this.selectedId) this.events.edited(this.selectedId, edited);
  }

  private onClick(pixel: number[], coordinate: number[]): void {
    let hit: string | null = null;
    let cluster: Feature[] | null = null;
    this.map.forEachFeatureAtPixel(
      pixel,
      (feature) => {
        const members = feature.get('features') as Feature[] | undefined;
        if (members && members.length > 1) cluster = members;
        else hit = ((members?.[0] ?? feature).getId() as string | undefined) ?? null;
        return true;
      },
      { layerFilter: (layer) => layer.getClassName() === 'tl-features', hitTolerance: 3 },
    );
    if (cluster) {
      this.fitExtent(boundingExtent((cluster as Feature[]).map((m) => (m.getGeometry() as Point).getCoordinates())));
      return;
    }
    this.events.click(lonLatAt(coordinate), hit);
  }

  /** Centres on one feature (a point at harbour scale, a shape to its extent). */
  showFeature(id: string): void {
    const geometry = this.byId.get(id)?.feature.getGeometry();
    if (!geometry) return;
    if (geometry instanceof Point) this.map.getView().animate({ center: geometry.getCoordinates(), zoom: Math.max(this.map.getView().getZoom() ?? 2, 9), duration: 0 });
    else this.fitExtent(geometry.getExtent());
  }

  fitAll(): void {
    const extent = createEmpty();
    for (const { feature } of this.byId.values()) extend(extent, feature.getGeometry()!.getExtent());
    if (!isEmpty(extent)) this.fitExtent(extent);
  }

  private fitExtent(extent: Extent): void {
    this.map.getView().fit(extent, { padding: [60, 60, 60, 60], maxZoom: 12, duration: 0 });
  }

  zoomBy(delta: number): void {
    const view = this.map.getView();
    view.setZoom((view.getZoom() ?? 2) + delta);
  }

  world(): void {
    this.map.getView().setCenter(fromLonLat([125, 20]));
    this.map.getView().setZoom(2);
  }

  /** Metres per screen pixel at the view's centre, for keyboard move steps. */
  groundResolution(): number {
    const view = this.map.getView();
    const lat = lonLatAt(view.getCenter() ?? [0, 0])[1];
    return (view.getResolution() ?? 1) * Math.cos((lat * Math.PI) / 180);
  }
}

const faded = new Map<string, Style>();

function fadedStyle(base: Style, opacity: number): Style {
  const key = opacity.toFixed(2);
  let style = faded.get(key);
  if (!style) {
    const colour = `rgba(55,71,79,${key})`;
    style = new Style({ stroke: new Stroke({ color: colour, width: 2 }), image: new Circle({ radius: 3, fill: new Fill({ color: colour }) }) });
    faded.set(key, style);
  }
  return base === OVERLAY_STYLES.track ? style : base;
}

