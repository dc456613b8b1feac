// @vitest-environment happy-dom
// The basemap the map draws at each zoom (issue 16): at world zoom the 1:50m land simplified at
// build time, whole (every point of the world is in view there, so pieces would only multiply
// what is drawn); from region zoom the 1:50m pieces cut at build time; from harbour zoom the
// 1:10m land. The generated assets must be what scripts/basemap-assets.ts makes of world-atlas.
import { readFileSync } from 'node:fs';
import type { Geometry } from 'ol/geom';
import type SimpleGeometry from 'ol/geom/SimpleGeometry';
import { inView } from 'ol/layer/Layer';
import type VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import { describe, expect, it } from 'vitest';
import { packLine, resolutionAt, toMercator, unpackLine, WORLD_MAX_ZOOM, type WorldAsset } from '../../client/src/map/basemapData';
import { basemapLayers } from '../../client/src/map/basemap';
import { assetText, REGION_FILE, regionAsset, WORLD_FILE, worldAsset } from '../../scripts/basemap-assets';

const NAHA = fromLonLat([127.68, 26.21]);

function visibleAt(zoom: number) {
  const layers = basemapLayers().filter((layer) => layer.getClassName() === 'tl-land') as VectorLayer[];
  return layers.filter((layer) => inView(layer.getLayerState(), { resolution: resolutionAt(zoom), zoom } as Parameters<typeof inView>[1]));
}

function pointsOf(layer: VectorLayer): number {
  return (layer.getSource()?.getFeatures() ?? []).reduce((sum, f) => sum + ((f.getGeometry() as SimpleGeometry & Geometry).getFlatCoordinates().length / 2), 0);
}

describe('the basemap by zoom', () => {
  it('draws at world zoom one simplified 1:50m land, ready at once, with far fewer points than the 1:50m', () => {
    for (const zoom of [1, 2, 3, WORLD_MAX_ZOOM]) {
      const land = visibleAt(zoom);
      expect(land).toHaveLength(1);
      const features = land[0]!.getSource()!.getFeatures();
      // Land and borders, whole: no pieces to draw one by one.
      expect(features.map((f) => f.getGeometry()!.getType()).sort()).toEqual(['MultiLineString', 'MultiPolygon']);
      // 1:50m land has 60,835 points and its borders 19,439.
      expect(pointsOf(land[0]!)).toBeLessThan(0.4 * (60_835 + 19_439));
      // Okinawa, where the bench's cell centres, is still land at world zoom.
      expect(features.find((f) => f.getGeometry()!.getType() === 'MultiPolygon')!.getGeometry()!.intersectsCoordinate(NAHA)).toBe(true);
    }
  });

  it('draws from region zoom on the 1:50m pieces, then the 1:10m land, and borders at every zoom past the world', () => {
    for (let zoom = 1; zoom <= 19; zoom += 0.25) {
      const land = visibleAt(zoom);
      // One land and, past world zoom, the borders' layer.
      expect(land).toHaveLength(zoom <= WORLD_MAX_ZOOM ? 1 : 2);
    }
    const [region, regionBorders] = visibleAt(5);
    const [detail, detailBorders] = visibleAt(9);
    expect(region).not.toBe(detail);
    expect(regionBorders!.getClassName()).toBe('tl-land');
    // Loaded when first shown, not at start.
    expect(region!.getSource()!.getFeatures()).toHaveLength(0);
    expect(detailBorders!.getStyle()).toBe(regionBorders!.getStyle());
  });
});

describe('the generated basemap assets', () => {
  it('are what the script makes of world-atlas today (run `npm run basemap` after changing either)', () => {
    expect(readFileSync(WORLD_FILE, 'utf8')).toBe(assetText(worldAsset()));
    expect(readFileSync(REGION_FILE, 'utf8')).toBe(assetText(regionAsset()));
  }, 60_000);

  it('simplify the world asset to half a pixel at the largest zoom it is drawn at, keeping every island a pixel across', () => {
    const world = JSON.parse(readFileSync(WORLD_FILE, 'utf8')) as WorldAsset;
    expect(world.unit).toBeLessThan(resolutionAt(WORLD_MAX_ZOOM) / 50);
    expect(world.land.length).toBeGreaterThan(1000);
  });

  it('project as OpenLayers does and pack lines to their grid and back', () => {
    const lonLat = [127.68, 26.21, -180, -90, 180, 90, 0, 0, -73.9, 40.7];
    const ours = toMercator(lonLat);
    for (let i = 0; i < lonLat.length; i += 2) {
      const [x, y] = fromLonLat([lonLat[i]!, lonLat[i + 1]!]);
      expect(ours[i]).toBeCloseTo(x!, 6);
      expect(ours[i + 1]).toBeCloseTo(y!, 6);
    }
    const line = [1_234_567.4, -2_345_678.6, 1_234_600.2, -2_345_600, 1_234_567.4, -2_345_678.6];
    const back = unpackLine(packLine(line, 10), 10);
    back.forEach((value, i) => expect(Math.abs(value - line[i]!)).toBeLessThanOrEqual(5));
    expect(packLine(line, 10).slice(2)).toEqual([3, 8, -3, -8]);
  });
});
