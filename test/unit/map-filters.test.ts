// The map's time filter counts a feature as active when it was created or last moved in the
// window, so an old contact moved an hour ago still shows under "the last hour".
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/markings/policy';
import type { Envelope } from '../../shared/protocol';
import { applyFilter, SHOW_ALL } from '../../client/src/map/filters';
import type { MapFeature } from '../../client/src/map/mapFeatures';

const NOW = Date.parse('2026-11-30T12:00:00Z');

function feature(name: string, createdAt: string, movedAt?: string, more: Partial<MapFeature> & { marking?: string } = {}): MapFeature {
  const { marking = 'UNCLASSIFIED', ...rest } = more;
  const envelope = { id: name, workspaceId: 'w', kind: 'feature', marking, portion: '(U)', originator: 'USA', parentId: null, orderKey: 'a0', createdBy: 'u', createdAt, epoch: 0 } satisfies Envelope;
  return { envelope, geometry: { type: 'Point', coordinates: [125, 26] }, name, sidc: undefined, affiliation: undefined, movedAt, version: '1', ...rest };
}

describe('the map’s time filter', () => {
  const features = [
    feature('new', '2026-11-30T11:30:00Z'),
    feature('old, moved lately', '2026-11-20T00:00:00Z', '2026-11-30T11:15:00Z'),
    feature('old, moved long ago', '2026-11-20T00:00:00Z', '2026-11-25T00:00:00Z'),
    feature('old, never moved', '2026-11-20T00:00:00Z'),
    feature('unreadable move time', '2026-11-20T00:00:00Z', 'yesterday'),
  ];
  const within = (hours: number) => applyFilter(features, { ...SHOW_ALL, withinHours: hours }, defaultPolicy, NOW).map((f) => f.name);

  it('keeps what was created or moved within the window', () => {
    expect(within(1)).toEqual(['new', 'old, moved lately']);
    expect(within(24 * 7)).toEqual(['new', 'old, moved lately', 'old, moved long ago']);
    expect(within(0)).toHaveLength(5);
  });
});

describe('the map’s layers by kind, affiliation and who may see them', () => {
  const created = '2026-11-30T11:00:00Z';
  const features = [
    feature('hostile contact', created, undefined, { affiliation: 'H', sidc: 'SHSPCL---------', marking: 'SECRET//REL TO USA, JPN' }),
    feature('friendly patrol', created, undefined, { affiliation: 'F', sidc: 'SFSPCL---------', marking: 'SECRET//REL TO USA, AUS' }),
    feature('source house', created, undefined, { marking: 'SECRET//NOFORN' }),
    feature('exclusion zone', created, undefined, { geometry: { type: 'Polygon', coordinates: [[[124, 25], [125, 25], [125, 26], [124, 25]]] }, marking: 'SECRET//DISPLAY ONLY JPN' }),
    feature('transit lane', created, undefined, { geometry: { type: 'LineString', coordinates: [[124, 25], [125, 26]] } }),
  ];
  const names = (filter: Partial<typeof SHOW_ALL>) => applyFilter(features, { ...SHOW_ALL, ...filter }, defaultPolicy, NOW).map((f) => f.name);

  it('shows only the kinds ticked', () => {
    expect(names({ kinds: new Set(['Point']) })).toEqual(['hostile contact', 'friendly patrol', 'source house']);
    expect(names({ kinds: new Set(['Polygon', 'LineString']) })).toEqual(['exclusion zone', 'transit lane']);
  });

  it('shows only the affiliations ticked, features without a symbol under “No symbol”', () => {
    expect(names({ affiliations: new Set(['H']) })).toEqual(['hostile contact']);
    expect(names({ affiliations: new Set(['none']) })).toEqual(['source house', 'exclusion zone', 'transit lane']);
  });

  it('shows only what a nation may see (“only what JPN can see”), never a NOFORN feature', () => {
    expect(names({ visibleTo: 'JPN' })).toEqual(['hostile contact', 'exclusion zone', 'transit lane']);
    expect(names({ visibleTo: 'AUS' })).toEqual(['friendly patrol', 'transit lane']);
    expect(names({ visibleTo: 'USA' })).toHaveLength(5);
  });
});
