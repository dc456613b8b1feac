import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { appendedOrderKey, checkedOrderKey, timeKey } from '../../server/objects/orderKeys';

const NOW = Date.UTC(2026, 2, 1, 12);

function envelope(id: string, marking: string, orderKey: string, parentId: string | null = null): Envelope {
  return { id, workspaceId: 'ws-1', kind: parentId ? 'portion' : 'note', marking, portion: '', originator: 'USA', parentId, orderKey, createdBy: 'usa-analyst', createdAt: '', epoch: 0 };
}

describe('default order keys', () => {
  it('are the creation time and a random fraction: valid, later for later moments, after the small keys of older cells', () => {
    const keys = [appendedOrderKey(null, NOW), appendedOrderKey(null, NOW + 1), appendedOrderKey('a5', NOW + 2)];
    for (const key of keys) expect(checkedOrderKey(key)).toBe(key);
    expect([...keys].sort()).toEqual(keys);
    expect(keys[0]!.startsWith(timeKey(NOW))).toBe(true);
    expect(timeKey(NOW) > 'a5' && timeKey(NOW) > 'b10').toBe(true);
    expect(timeKey(0)).toBe('a0');
    expect(timeKey(61)).toBe('az');
    expect(timeKey(62)).toBe('b10');
  });

  it('follow a sibling whose key lies beyond the present', () => {
    const ahead = `x${'z'.repeat(24)}`;
    expect(appendedOrderKey(ahead, NOW) > ahead).toBe(true);
    const sameMoment = appendedOrderKey(null, NOW);
    expect(appendedOrderKey(sameMoment, NOW) > sameMoment).toBe(true);
  });

  it('refuse a chosen key that is not a key, naming it', () => {
    expect(() => checkedOrderKey('!!')).toThrow(expect.objectContaining({ code: 'bad_request', message: '"!!" is not a valid order key.' }));
  });
});

describe('ObjectIndex.lastVisibleOrderKey', () => {
  it('is the last sibling the participant may see, at the top level and under a parent', () => {
    const index = new ObjectIndex(defaultPolicy, [
      envelope('b', 'SECRET//REL TO USA, GBR', 'a1'),
      envelope('a', 'SECRET//NOFORN', 'a2'),
      envelope('r', 'SECRET//REL TO USA, GBR', 'a0'),
      envelope('p2', 'SECRET//NOFORN', 'a3', 'r'),
      envelope('p1', 'SECRET//REL TO USA, GBR', 'a1', 'r'),
    ]);
    const gbr = { nation: 'GBR', clearance: 'SECRET', compartments: [] };
    const usa = { nation: 'USA', clearance: 'SECRET', compartments: [] };
    expect(index.lastVisibleOrderKey(gbr, null)).toBe('a1');
    expect(index.lastVisibleOrderKey(usa, null)).toBe('a2');
    expect(index.lastVisibleOrderKey(gbr, 'r')).toBe('a1');
    expect(index.lastVisibleOrderKey(usa, 'r')).toBe('a3');
    expect(index.lastVisibleOrderKey(gbr, 'none')).toBeNull();
    expect(index.visibleChildren(usa, 'r').map((c) => c.envelope.id)).toEqual(['p1', 'p2']);
  });
});
