// Positions as staff type them, read without guessing: MGRS, degrees with hemisphere letters in
// either order (`26N 125E`, `125E 26N`), degrees-minutes-seconds, and signed decimal degrees in
// the order the user has chosen and can see. Anything that could be read two ways is refused with
// the reason. Pure: the map's forms and the tests share it.
import { mgrs } from './mgrs';

/** [longitude, latitude] in degrees, GeoJSON order. */
export type LonLat = [number, number];

/** Which number comes first in a pair of signed decimals without hemisphere letters. */
export type DecimalOrder = 'lat-lon' | 'lon-lat';

export type PositionFormat = 'mgrs' | 'dd' | 'dms';

export const POSITION_FORMATS: Record<PositionFormat, string> = { mgrs: 'MGRS', dd: 'Decimal degrees', dms: 'Degrees, minutes, seconds' };

export const ORDER_LABELS: Record<DecimalOrder, string> = { 'lat-lon': 'latitude, longitude', 'lon-lat': 'longitude, latitude' };

export type Parsed = { ok: true; position: LonLat; form: 'MGRS' | 'hemispheres' | 'signed decimal' } | { ok: false; reason: string };

const refuse = (reason: string): Parsed => ({ ok: false, reason });

const MGRS_PATTERN = /^(\d{1,2})([A-Z])([A-Z]{2})(\d*)$/;
// Latitude bands C..X (no I or O), 8° each from 80°S; X spans 72°N..84°N.
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';

function parseMgrs(compact: string): Parsed | undefined {
  const match = MGRS_PATTERN.exec(compact);
  if (!match) return undefined;
  const [, zoneText, band, square, digits] = match as unknown as [string, string, string, string, string];
  const zone = Number(zoneText);
  if (zone < 1 || zone > 60) return refuse(`MGRS zone ${zone} does not exist: zones run from 1 to 60.`);
  if (band === 'A' || band === 'B' || band === 'Y' || band === 'Z') {
    return refuse(`MGRS band ${band} is a polar (UPS) reference, which this map does not read; give degrees instead.`);
  }
  const bandIndex = BANDS.indexOf(band);
  if (bandIndex < 0) return refuse(`MGRS latitude band ${band} does not exist (bands run C to X without I and O).`);
  if (/[IO]/.test(square)) return refuse(`MGRS square ${square} cannot contain I or O.`);
  if (digits.length % 2 !== 0 || digits.length > 10) {
    return refuse(`MGRS needs an even number of digits after the square (easting then northing, up to 5 each); “${digits}” has ${digits.length}.`);
  }
  let position: LonLat;
  try {
    position = mgrs.toPoint(compact);
  } catch {
    return refuse(`“${compact}” is not a valid MGRS reference.`);
  }
  const [lon, lat] = position;
  const south = -80 + bandIndex * 8;
  const north = band === 'X' ? 84 : south + 8;
  // A square that straddles a band edge may put its centre a little past it.
  if (!Number.isFinite(lat) || lat < south - 0.5 || lat > north + 0.5) {
    return refuse(`MGRS ${compact} lands outside latitude band ${band} (${south}° to ${north}°): check the square letters and digits.`);
  }
  const span = zoneSpan(zone, band);
  if (typeof span === 'string') return refuse(span);
  // Zone 1's western and zone 60's eastern edge are the 180° meridian, reached from either side.
  const zoneLon = zone === 1 && lon > 90 ? lon - 360 : zone === 60 && lon < -90 ? lon + 360 : lon;
  const outsideMetres = Math.max(span.west - zoneLon, zoneLon - span.east, 0) * 111_320 * Math.cos((lat * Math.PI) / 180);
  // A reference names a square of 10^(5 − digits per axis) metres; only its own size may stray past the edge.
  if (outsideMetres > 10 ** (5 - digits.length / 2) + 1) {
    return refuse(
      `MGRS ${compact} lands at ${formatLongitude(lon)}, outside zone ${zone}${band} (${formatLongitude(span.west)} to ${formatLongitude(span.east)}${span.note ?? ''}): check the zone and the square letters.`,
    );
  }
  return { ok: true, position: [wrapLongitude(lon), lat], form: 'MGRS' };
}

/**
 * The longitudes a grid zone covers: 6° each, but over south-west Norway (band V) zone 31 is cut
 * to 0°–3°E and 32 widened to 3°E–12°E, and over Svalbard (band X) zones 31, 33, 35 and 37 are
 * widened to 9° or 12° and zones 32, 34 and 36 do not exist.
 */
function zoneSpan(zone: number, band: string): { west: number; east: number; note?: string } | string {
  if (band === 'V' && zone === 31) return { west: 0, east: 3, note: ', cut for the Norway exception' };
  if (band === 'V' && zone === 32) return { west: 3, east: 12, note: ', widened for the Norway exception' };
  if (band === 'X' && (zone === 32 || zone === 34 || zone === 36)) {
    return `MGRS zone ${zone}X does not exist: over Svalbard (72°N to 84°N) zones 31X, 33X, 35X and 37X are widened to cover it.`;
  }
  const svalbard: Record<number, [number, number]> = { 31: [0, 9], 33: [9, 21], 35: [21, 33], 37: [33, 42] };
  const widened = band === 'X' ? svalbard[zone] : undefined;
  if (widened) return { west: widened[0], east: widened[1], note: ', widened for Svalbard' };
  return { west: -180 + 6 * (zone - 1), east: -180 + 6 * zone };
}

const formatLongitude = (lon: number) => `${Math.abs(round(lon, 2))}°${lon < 0 ? 'W' : lon > 0 ? 'E' : ''}`;

/** One value: decimal degrees, or degrees and minutes (and seconds), with symbols or spaces. */
interface Angle {
  degrees: number;
  hemisphere?: 'N' | 'S' | 'E' | 'W';
  signed: boolean;
}

// 26, -26.5, 26°30', 26°30'15.5", 26d30m, 26 30 15, 263015 (compact DDMMSS) followed or preceded by a
// letter. Matched on the upper-cased text, so the unit letters are D and M (an S would be south).
const NUMBER = String.raw`[+-]?\d+(?:\.\d+)?`;
const ANGLE = new RegExp(String.raw`^(${NUMBER})(?:\s*[°D:\s]\s*(\d+(?:\.\d+)?)(?:\s*['′M:\s]\s*(\d+(?:\.\d+)?)\s*(?:["″]|'')?)?\s*['′M]?)?\s*[°D]?$`);

function parseAngle(raw: string, label: string): Angle | string {
  let text = raw.trim().toUpperCase();
  let hemisphere: Angle['hemisphere'];
  const leading = /^([NSEW])\s*(.*)$/.exec(text);
  const trailing = /^(.*?)\s*([NSEW])$/.exec(text);
  if (leading) [, hemisphere, text] = leading as unknown as [string, Angle['hemisphere'], string];
  else if (trailing) [, text, hemisphere] = trailing as unknown as [string, string, Angle['hemisphere']];
  if (/[NSEW]/.test(text)) return `${label} “${raw.trim()}” has more than one hemisphere letter.`;
  const match = ANGLE.exec(text);
  if (!match) return `${label} “${raw.trim()}” is not a number of degrees.`;
  const [, whole, minutesText, secondsText] = match;
  const signed = /^[+-]/.test(whole!);
  if (signed && hemisphere) return `${label} “${raw.trim()}” has both a sign and a hemisphere letter; give one of them.`;
  let degrees = Math.abs(Number(whole));
  let minutes = minutesText === undefined ? 0 : Number(minutesText);
  let seconds = secondsText === undefined ? 0 : Number(secondsText);
  // Compact DDMMSS / DDDMMSS (e.g. 263015N 1251530E) is read only with a hemisphere letter.
  const digits = whole!.replace(/^[+-]/, '').split('.')[0]!;
  if (minutesText === undefined && hemisphere && digits.length >= 5) {
    const degreeDigits = digits.length - 4;
    if (degreeDigits > 3) return `${label} “${raw.trim()}” has too many digits for DDMMSS or DDDMMSS.`;
    degrees = Number(digits.slice(0, degreeDigits));
    minutes = Number(digits.slice(degreeDigits, degreeDigits + 2));
    seconds = Number(whole!.replace(/^[+-]/, '').slice(degreeDigits + 2));
  }
  if (minutes >= 60) return `${label} “${raw.trim()}” has ${minutes} minutes; minutes run 0 to 59.`;
  if (seconds >= 60) return `${label} “${raw.trim()}” has ${seconds} seconds; seconds run 0 to 59.`;
  if ((minutesText !== undefined || secondsText !== undefined) && !Number.isInteger(degrees)) {
    return `${label} “${raw.trim()}” has decimal degrees and minutes together.`;
  }
  const value = degrees + minutes / 60 + seconds / 3600;
  return { degrees: whole!.startsWith('-') ? -value : value, hemisphere, signed };
}

/** Splits "a, b" / "a b" / "a / b" into the two values, keeping DMS parts together. */
function splitPair(text: string): [string, string] | string {
  const byComma = text.split(/\s*[,/]\s*/).filter(Boolean);
  if (byComma.length === 2) return [byComma[0]!, byComma[1]!];
  if (byComma.length > 2) return `“${text}” has ${byComma.length} parts; a position has two (or is one MGRS reference).`;
  // Without a comma: letters lead both values (N26 E125) or follow them (26N 125E).
  const split = /^[NSEW]/i.test(text) ? /^([NSEW].*?)\s*([NSEW].*)$/i.exec(text) : /^(.*?\d[^NSEW]*?\s*[NSEW])\s*(.+)$/i.exec(text);
  if (split) return [split[1]!, split[2]!];
  const parts = text.split(/\s+/);
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  return `“${text}” is not two values: separate latitude and longitude with a comma or give hemisphere letters (26N 125E).`;
}

const isLatitude = (h: Angle['hemisphere']) => h === 'N' || h === 'S';

/** Reads one position; `order` decides only a pair of signed decimals without letters. */
export function parsePosition(input: string, order: DecimalOrder): Parsed {
  const text = input.trim().replace(/\s+/g, ' ');
  if (!text) return refuse('No position given.');
  const compact = text.replace(/\s/g, '').toUpperCase();
  const grid = parseMgrs(compact);
  if (grid) {
    // Spaced digits must be easting and northing of equal length: "4825 111932" is two readings.
    const groups = /[A-Z]\s+(\d+)\s+(\d+)$/i.exec(text);
    if (groups && groups[1]!.length !== groups[2]!.length) {
      return refuse(`MGRS easting “${groups[1]}” and northing “${groups[2]}” differ in length; give both with the same number of digits.`);
    }
    return grid;
  }
  const pair = splitPair(text);
  if (typeof pair === 'string') return refuse(pair);
  const first = parseAngle(pair[0], 'The first value');
  if (typeof first === 'string') return refuse(first);
  const second = parseAngle(pair[1], 'The second value');
  if (typeof second === 'string') return refuse(second);
  let lat: number;
  let lon: number;
  let form: 'hemispheres' | 'signed decimal';
  if (first.hemisphere && second.hemisphere) {
    if (isLatitude(first.hemisphere) === isLatitude(second.hemisphere)) {
      const kind = isLatitude(first.hemisphere) ? 'latitudes (N/S)' : 'longitudes (E/W)';
      return refuse(`Both values are ${kind}; one must be N or S and the other E or W.`);
    }
    const [latAngle, lonAngle] = isLatitude(first.hemisphere) ? [first, second] : [second, first];
    lat = latAngle.hemisphere === 'S' ? -latAngle.degrees : latAngle.degrees;
    lon = lonAngle.hemisphere === 'W' ? -lonAngle.degrees : lonAngle.degrees;
    form = 'hemispheres';
  } else if (first.hemisphere || second.hemisphere) {
    return refuse('Only one value has a hemisphere letter; give letters on both (26N 125E) or on neither.');
  } else {
    [lat, lon] = order === 'lat-lon' ? [first.degrees, second.degrees] : [second.degrees, first.degrees];
    form = 'signed decimal';
    if (Math.abs(lat) > 90 && Math.abs(lon) <= 90) {
      return refuse(`${lat} is not a latitude (−90 to 90). Decimals are read as ${ORDER_LABELS[order]}: swap them, change the order, or use letters (26N 125E).`);
    }
  }
  if (Math.abs(lat) > 90) return refuse(`Latitude ${round(lat)} is off the globe: latitudes run 90°S to 90°N.`);
  if (Math.abs(lon) > 180) return refuse(`Longitude ${round(lon)} is off the globe: longitudes run 180°W to 180°E.`);
  return { ok: true, position: [lon, lat], form };
}

/** Positions separated by “;”; throws a sentence naming the position it cannot read. */
export function parsePositions(text: string, order: DecimalOrder): LonLat[] {
  const parts = text.split(';').map((part) => part.trim()).filter(Boolean);
  return parts.map((part, index) => {
    const parsed = parsePosition(part, order);
    if (!parsed.ok) throw new Error(parts.length > 1 ? `Position ${index + 1}: ${parsed.reason}` : parsed.reason);
    return parsed.position;
  });
}

function round(value: number, places = 4): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

export function wrapLongitude(lon: number): number {
  const wrapped = ((((lon + 180) % 360) + 360) % 360) - 180;
  return wrapped === -180 && lon > 0 ? 180 : wrapped;
}

function dms(value: number, positive: string, negative: string, width: number): string {
  const letter = value < 0 ? negative : positive;
  let totalTenths = Math.round(Math.abs(value) * 36_000);
  const tenths = totalTenths % 600;
  totalTenths = (totalTenths - tenths) / 600;
  const minutes = totalTenths % 60;
  const degrees = (totalTenths - minutes) / 60;
  return `${String(degrees).padStart(width, '0')}°${String(minutes).padStart(2, '0')}′${(tenths / 10).toFixed(1).padStart(4, '0')}″${letter}`;
}

/** A position as the user chose to read it; MGRS beyond 84°N / 80°S falls back to degrees. */
export function formatPosition([lon, lat]: LonLat, format: PositionFormat): string {
  if (format === 'mgrs' && lat < 84 && lat > -80) {
    const ref = mgrs.forward([wrapLongitude(lon), lat], 5);
    return `${ref.slice(0, -12)} ${ref.slice(-12, -10)} ${ref.slice(-10, -5)} ${ref.slice(-5)}`;
  }
  if (format === 'dms') return `${dms(lat, 'N', 'S', 2)} ${dms(wrapLongitude(lon), 'E', 'W', 3)}`;
  const w = wrapLongitude(lon);
  return `${Math.abs(round(lat)).toFixed(4)}°${lat < 0 ? 'S' : 'N'} ${Math.abs(round(w)).toFixed(4)}°${w < 0 ? 'W' : 'E'}`;
}

export function formatPositions(positions: LonLat[], format: PositionFormat): string {
  return positions.map((position) => formatPosition(position, format)).join('; ');
}
