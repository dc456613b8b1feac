// @vitest-environment happy-dom
// GeoJSON and KML out and back in: geometry and each feature's marking survive the round trip,
// and an import is marked by the importer without ever widening a feature's own marking.
import { kml } from '@tmcw/togeojson';
import { describe, expect, it } from 'vitest';
import { planImport, positionText, toFeatureCollection, toKml, type ExportedFeature } from '../../shared/geo/interchange';
import { defaultPolicy, parseMarking } from '../../shared/markings';

const FEATURES: ExportedFeature[] = [
  { id: 'a', name: 'Contact Alpha', description: 'Hostile surface combatant', marking: 'SECRET//REL TO USA, AUS', portion: '(S//REL TO USA, AUS)', geometry: { type: 'Point', coordinates: [125, 26] }, sidc: 'SHSPCL---------' },
  { id: 'b', name: 'Patrol box', description: '', marking: 'SECRET//NOFORN', portion: '(S//NF)', geometry: { type: 'Polygon', coordinates: [[[124, 25], [126, 25], [126, 27], [124, 27], [124, 25]]] } },
  { id: 'c', name: 'Transit lane', description: 'Open source', marking: 'UNCLASSIFIED', portion: '(U)', geometry: { type: 'LineString', coordinates: [[179, 10], [181, 11]] } },
];

const chosen = { ...parseMarking('SECRET//REL TO USA, AUS, GBR', defaultPolicy), originator: 'USA' };
const collection = toFeatureCollection(FEATURES, 'SECRET//NOFORN', false);

function expectRoundTrip(data: unknown) {
  const plan = planImport(data, chosen, defaultPolicy);
  expect(plan.refused).toEqual([]);
  expect(plan.features.map((f) => [f.name, f.marking, f.geometry.type])).toEqual([
    // Never wider than the feature's own marking, never wider than the importer's choice.
    ['Contact Alpha', 'SECRET//REL TO USA, AUS', 'Point'],
    ['Patrol box', 'SECRET//NOFORN', 'Polygon'],
    ['Transit lane', 'SECRET//REL TO USA, AUS, GBR', 'LineString'],
  ]);
  expect(plan.features[0]!.geometry).toEqual(FEATURES[0]!.geometry);
  expect(plan.features[0]!.sidc).toBe(FEATURES[0]!.sidc);
  expect(plan.features[1]!.geometry).toEqual(FEATURES[1]!.geometry);
  expect(plan.features[1]!.note).toBe('kept within its own marking SECRET//NOFORN');
  // The line across the date line stays the short 2° line, not one around the world.
  expect(plan.features[2]!.geometry).toEqual({ type: 'LineString', coordinates: [[179, 10], [181, 11]] });
}

describe('GeoJSON and KML interchange', () => {
  it('carries every feature’s marking and the file’s banner', () => {
    expect(collection.banner).toBe('SECRET//NOFORN');
    expect(collection.features.map((f) => f.properties.marking)).toEqual(['SECRET//REL TO USA, AUS', 'SECRET//NOFORN', 'UNCLASSIFIED']);
    const text = toKml(collection, 'Harbour watch');
    expect(text).toContain('<name>SECRET//NOFORN — Harbour watch</name>');
    expect(text).toContain('<Data name="marking"><value>SECRET//REL TO USA, AUS</value></Data>');
    // KML allows longitudes within ±180° only: the lane across the date line is written wrapped (and read back continuous).
    expect(text).toContain('<coordinates>179,10 -179,11</coordinates>');
  });

  it('round-trips through GeoJSON with markings', () => {
    expectRoundTrip(JSON.parse(JSON.stringify(collection)));
  });

  it('round-trips through KML with markings', () => {
    const dom = new DOMParser().parseFromString(toKml(collection, 'Harbour watch'), 'application/xml');
    expectRoundTrip(kml(dom as unknown as Document));
  });

  it('marks unmarked features with the importer’s choice, and refuses what it cannot hold, saying why', () => {
    const plan = planImport(
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }, properties: { name: 'Buoys' } },
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]] }, properties: { name: 'Bow tie' } },
          { type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: { name: 'Odd', marking: 'SECRET//REL TO MARS' } },
          { type: 'Feature', geometry: null, properties: {} },
        ],
      },
      chosen,
      defaultPolicy,
    );
    expect(plan.features.map((f) => [f.name, f.marking])).toEqual([
      ['Buoys', 'SECRET//REL TO USA, AUS, GBR'],
      ['Buoys', 'SECRET//REL TO USA, AUS, GBR'],
    ]);
    expect(plan.refused).toHaveLength(3);
    expect(plan.refused[0]).toMatch(/^Bow tie: The area's edges cross each other/);
    expect(plan.refused[1]).toMatch(/^Odd: its marking “SECRET\/\/REL TO MARS” cannot be read/);
    expect(plan.refused[2]).toBe('Imported feature 4: it has no geometry.');
    expect(planImport({ nothing: true }, chosen, defaultPolicy).refused).toEqual(['The file holds no GeoJSON or KML features.']);
  });

  it('writes a feature’s position into a text export', () => {
    expect(positionText({ type: 'Point', coordinates: [125, 26] })).toBe('Position: 26.0000°N 125.0000°E (MGRS 51R YJ 00180 77215)');
    expect(positionText('nowhere')).toBeUndefined();
  });
});
