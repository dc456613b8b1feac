// Point clusters computed once per zoom level and kept until a point is added, removed or
// moved, so a zoom step swaps one ready source into the layer instead of re-clustering every
// point and rebuilding the spatial index (OpenLayers' Cluster source does both on each change of
// resolution). A point alone at a level is drawn as itself, not wrapped in a cluster, so a
// change to it (its selection) redraws without any re-clustering.
import { buffer, createOrUpdateFromCoordinate, getCenter } from 'ol/extent';
import Feature from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import Point from 'ol/geom/Point';
import type VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import type View from 'ol/View';

/** The rounded zoom levels one cached clustering serves. */
function levelOf(view: View): number {
  return Math.round(view.getZoom() ?? 0);
}

/** The clusters of `points` at `resolution` (m/px): greedy by `distance` px, as OpenLayers' Cluster; a `solo` point stands alone. */
export function clusterPoints(points: VectorSource<Feature<Geometry>>, resolution: number, distance: number, solo: Feature<Geometry> | null = null): Feature<Geometry>[] {
  const alone = solo && points.hasFeature(solo) ? [solo] : [];
  const taken = new Set<Feature<Geometry>>(alone);
  const out: Feature<Geometry>[] = [...alone];
  const reach = distance * resolution;
  for (const feature of points.getFeatures()) {
    if (taken.has(feature)) continue;
    const extent = buffer(createOrUpdateFromCoordinate((feature.getGeometry() as Point).getCoordinates()), reach);
    const members = points.getFeaturesInExtent(extent).filter((neighbour) => !taken.has(neighbour));
    for (const member of members) taken.add(member);
    if (members.length === 1) {
      out.push(members[0]!);
      continue;
    }
    const centre = getCenter(extent);
    const [x, y] = members.reduce(([sx, sy], m) => {
      const [mx, my] = (m.getGeometry() as Point).getCoordinates();
      return [sx + mx!, sy + my!];
    }, [0, 0]);
    // Halfway between the members' centroid and the search centre, as Cluster with minDistance.
    out.push(new Feature({ geometry: new Point([(x / members.length + centre[0]!) / 2, (y / members.length + centre[1]!) / 2]), features: members }));
  }
  return out;
}

/** Keeps a layer's source the clustering of `points` at the view's zoom level. */
export class ZoomClusters {
  private readonly levels = new Map<number, VectorSource<Feature<Geometry>>>();
  private readonly geometries = new WeakMap<Feature<Geometry>, { geometry: Geometry | undefined; revision: number }>();
  private solo: Feature<Geometry> | null = null;
  private pending = false;

  constructor(
    private readonly layer: VectorLayer,
    private readonly points: VectorSource<Feature<Geometry>>,
    private readonly view: View,
    private readonly distance: number,
  ) {
    points.on('addfeature', (event) => {
      if (event.feature) this.remember(event.feature);
      this.invalidate();
    });
    points.on('removefeature', () => this.invalidate());
    // A point's own change (its selection) redraws through the level's source; only a move re-clusters.
    points.on('changefeature', (event) => {
      const feature = event.feature;
      const known = feature && this.geometries.get(feature);
      if (!feature || (known && known.geometry === feature.getGeometry() && known.revision === feature.getGeometry()?.getRevision())) return;
      this.remember(feature);
      this.invalidate();
    });
    view.on('change:resolution', () => this.show());
    this.show();
  }

  /** Draws `feature` on its own, outside any cluster (the selected point), or none with null. */
  setSolo(feature: Feature<Geometry> | null): void {
    if (feature === this.solo) return;
    this.solo = feature;
    this.invalidate();
  }

  private remember(feature: Feature<Geometry>): void {
    this.geometries.set(feature, { geometry: feature.getGeometry(), revision: feature.getGeometry()?.getRevision() ?? -1 });
  }

  private show(): void {
    const level = levelOf(this.view);
    let source = this.levels.get(level);
    if (!source) {
      source = new VectorSource({ features: clusterPoints(this.points, this.view.getResolutionForZoom(level), this.distance, this.solo), wrapX: true });
      this.levels.set(level, source);
    }
    if (this.layer.getSource() !== source) this.layer.setSource(source);
  }

  /** Drops every level; several changes in one task (a batch of removals) re-cluster once, before the next frame. */
  private invalidate(): void {
    // Points stand in several levels' sources at once: clearing unhooks them from the dropped ones.
    for (const source of this.levels.values()) source.clear(true);
    this.levels.clear();
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.show();
    });
  }
}
