// Magnetic declination from the World Magnetic Model (`geomagnetism`, which ships the WMM2015,
// WMM2020 and WMM2025 coefficients, so nothing is fetched at run time), for magnetic bearings
// beside true ones. The model is chosen by date; a date outside every bundled model's life, and a
// position where the WMM says a compass cannot be trusted (its "blackout zone", horizontal field
// under 2,000 nT, near the magnetic poles), give no magnetic bearing, with the reason. Pure.
import * as geomagnetismModule from 'geomagnetism';
import type { LonLat } from './coordinates';

type Geomagnetism = typeof geomagnetismModule;
// Vite loads the CommonJS module's exports as named exports, Node as one default export.
const geomagnetism: Geomagnetism = (Reflect.get(geomagnetismModule, 'default') as Geomagnetism | undefined) ?? geomagnetismModule;

/** WMM: below this horizontal intensity (nT) a compass is unreliable (blackout zone). */
const BLACKOUT_NT = 2000;
/** WMM: below this horizontal intensity (nT) a compass should be used with caution. */
const CAUTION_NT = 6000;

export type Declination =
  | {
      ok: true;
      /** Degrees, positive when magnetic north lies east of true north. */
      degrees: number;
      /** The model used, e.g. "WMM-2025". */
      model: string;
      /** Set where the WMM's caution zone begins (horizontal field 2,000 to 6,000 nT). */
      caution?: string;
    }
  | { ok: false; reason: string };

/** The declination at `position`, `altitudeKm` above the WGS84 ellipsoid (sea level by default), on `date`. */
export function declinationAt([lon, lat]: LonLat, date: Date, altitudeKm = 0): Declination {
  if (Number.isNaN(date.getTime())) return { ok: false, reason: 'No magnetic bearing: the date cannot be read.' };
  let field: { decl: number; h: number };
  let name: string;
  try {
    const model = geomagnetism.model(date);
    name = model.name;
    field = model.point([lat, lon, altitudeKm]);
  } catch {
    return { ok: false, reason: `No magnetic bearing for ${date.toISOString().slice(0, 10)}: the World Magnetic Model held here covers 2015 to November 2029.` };
  }
  if (field.h < BLACKOUT_NT) {
    return { ok: false, reason: 'No magnetic bearing this close to a magnetic pole: the World Magnetic Model says a compass is unreliable here.' };
  }
  return {
    ok: true,
    degrees: field.decl,
    model: name,
    ...(field.h < CAUTION_NT ? { caution: 'Near a magnetic pole: the World Magnetic Model says to use a compass here with caution.' } : {}),
  };
}

/** A true bearing as a magnetic one, 0 ≤ b < 360. */
export function magneticBearing(trueBearing: number, declinationDegrees: number): number {
  return (((trueBearing - declinationDegrees) % 360) + 360) % 360;
}

/** "4.3° W", "0.5° E". */
export function formatDeclination(degrees: number): string {
  const rounded = Math.round(degrees * 10) / 10;
  return `${Math.abs(rounded).toFixed(1)}° ${rounded < 0 ? 'W' : 'E'}`;
}
