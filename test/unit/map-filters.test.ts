// The map's time filter counts a feature as active when it was created or last moved in the
// window, so an old contact moved an hour ago still shows under "the last hour".
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/markings/policy';
import type { Envelope } from '../../shared/protocol';
import { applyFilter, SHOW_ALL } from '../../client/src/map/filters';
import type { MapFeature } from '../../client/src/map/mapFeatures';

const NOW = Date.parse('2026-11-30T12:00:00Z');

function feature(name: string, createdAt: string, movedAt?: string): MapFeature {
  const envelope = { id: name, workspaceId: 'w', kind: 'feature', marking: 'UNCLASSIFIED', portion: '(U)', originator: 'USA', parentId: null, orderKey: 'a0', createdBy: 'u', createdAt, epoch: 0 } satisfies Envelope;
  return { envelope, geometry: { type: 'Point', coordinates: [125, 26] }, name, sidc: undefined, affiliation: undefined, movedAt, version: '1' };
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
