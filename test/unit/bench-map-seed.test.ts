// The map benchmark's cell (bench/map.ts): every feature is one the client would store and draw,
// with the planned mix, so the bench's "Features (N)" wait can be met and its sweeps see symbols.
import { expect, test } from 'vitest';
import { mapSeed } from '../../bench/map';
import { isGeometry, normaliseForWrite, type FeatureGeometry } from '../../shared/geo/geometry';
import { readSidc } from '../../shared/geo/symbols';

test('every seeded feature has a geometry the client accepts, in the planned mix', () => {
  const seed = mapSeed(2000);
  expect(seed).toEqual(mapSeed(2000));
  const geometries = seed.map((object) => object.fields.geometry as FeatureGeometry);
  for (const geometry of geometries) {
    expect(isGeometry(geometry)).toBe(true);
    expect(normaliseForWrite(geometry)).toEqual({ ok: true, geometry });
  }
  const kinds = geometries.map((g) => g.type);
  expect(kinds.filter((k) => k === 'LineString')).toHaveLength(100);
  expect(kinds.filter((k) => k === 'Polygon')).toHaveLength(100);
  const symbols = seed.filter((object) => object.fields.sidc !== undefined);
  expect(symbols.length).toBeGreaterThan(500);
  expect(symbols.every((object) => readSidc(object.fields.sidc) !== undefined)).toBe(true);
  expect(seed.filter((object) => object.fields.name === 'Naha harbour')).toHaveLength(1);
});
