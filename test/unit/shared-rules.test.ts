// Rules the server and the web client both hold, each written once in shared/ and applied the
// same way at both ends: sibling order, the claims of a token, who is in a cell, and what counts
// as a release.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { cellMarkings } from '../../client/src/markings/cell';
import { identityFromToken } from '../../client/src/session/identity';
import { childrenOf } from '../../client/src/workspace/selectors';
import { ObjectIndex } from '../../server/objects/objectIndex';
import { grantsAccess, isNarrowing, parseMarking, policyWithGroups, remarkEffect } from '../../shared/markings';
import { isMember, memberNations } from '../../shared/membership';
import { claimsSchema, type Envelope } from '../../shared/protocol';
import { compareSiblings } from '../../shared/siblings';

function portion(id: string, orderKey: string, createdAt: string): Envelope {
  return {
    id,
    workspaceId: 'cell',
    kind: 'portion',
    marking: 'SECRET//REL TO USA, GBR',
    portion: '(S//REL TO USA, GBR)',
    originator: 'USA',
    parentId: 'report',
    orderKey,
    createdBy: 'usa-analyst',
    createdAt,
    epoch: 0,
  };
}

const report: Envelope = { ...portion('report', 'a0', '2025-01-01T00:00:00.000Z'), kind: 'report', parentId: null };
const reader = { nation: 'GBR', clearance: 'SECRET', compartments: [] };

describe('sibling order', () => {
  test('the web client shows paragraphs in the order the server exports them, ties on the key included', () => {
    const siblings = fc.uniqueArray(
      fc.record({
        id: fc.stringMatching(/^[a-z0-9]{1,6}$/),
        // Few keys, so two paragraphs inserted at one spot (equal keys) are the common case.
        orderKey: fc.constantFrom('a0', 'a0V', 'a1'),
        createdAt: fc.integer({ min: 0, max: 3 }).map((s) => `2025-01-01T00:00:0${s}.000Z`),
      }),
      { selector: (s) => s.id, minLength: 2, maxLength: 12 },
    );
    fc.assert(
      fc.property(siblings, (list) => {
        const envelopes = list.map((s) => portion(s.id, s.orderKey, s.createdAt));
        const server = new ObjectIndex(policyWithGroups({}), [report, ...envelopes]).visibleChildren(reader, 'report').map((c) => c.envelope.id);
        const client = childrenOf([report, ...envelopes], 'report').map((e) => e.id);
        expect(client).toEqual(server);
        expect(server).toEqual([...envelopes].sort(compareSiblings).map((e) => e.id));
      }),
      { numRuns: 300 },
    );
  });

  test('equal keys are ordered by id, not by creation time', () => {
    const later = portion('a', 'a0', '2025-01-01T00:00:09.000Z');
    const earlier = portion('b', 'a0', '2025-01-01T00:00:01.000Z');
    expect(childrenOf([report, earlier, later], 'report').map((e) => e.id)).toEqual(['a', 'b']);
  });
});

describe('token claims', () => {
  const segment = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const token = (claims: Record<string, unknown>) => `${segment({ alg: 'ES256' })}.${segment(claims)}.signature`;
  const good = { sub: 'gbr-analyst', name: 'Sam Hale', nation: 'GBR', clearance: 'SECRET', compartments: [], roles: ['editor'] };

  test.each([
    ['a complete token', good],
    ['no name', { ...good, name: undefined }],
    ['an unknown role', { ...good, roles: ['editor', 'superuser'] }],
    ['a nation that is not a trigraph', { ...good, nation: 'UK' }],
    ['no compartments or roles (both default to none)', { ...good, compartments: undefined, roles: undefined }],
  ])('the client accepts %s exactly when the server does', (_case, claims) => {
    const server = claimsSchema.safeParse(claims);
    if (server.success) expect(identityFromToken(token(claims))).toEqual({ ...server.data, token: token(claims) });
    else expect(() => identityFromToken(token(claims))).toThrow(/claim is missing or not in the form Tearline needs/);
  });
});

describe('membership', () => {
  const cell = { members: ['FVEY', 'JPN', 'QUAD'], groups: { QUAD: ['AUS', 'IND', 'JPN', 'USA'] } };

  test('groups expand to their nations, at both ends', () => {
    expect([...memberNations(cell)].sort()).toEqual(['AUS', 'CAN', 'GBR', 'IND', 'JPN', 'NZL', 'USA']);
    expect(isMember(cell, 'IND')).toBe(true);
    expect(isMember(cell, 'KOR')).toBe(false);
    expect(isMember(cell, 'QUAD')).toBe(false);
    const client = cellMarkings({ ...cell, systemHigh: 'SECRET' });
    expect(new Set(client.members)).toEqual(memberNations(cell));
  });
});

describe('what counts as a release', () => {
  const m = (text: string) => ({ ...parseMarking(text), originator: 'USA' });

  test.each([
    ['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, GBR, AUS', 'widens'],
    ['SECRET//REL TO USA, GBR, AUS', 'SECRET//REL TO USA, GBR', 'narrows'],
    ['SECRET//REL TO USA, GBR', 'SECRET//REL TO USA, AUS', 'mixed'],
    ['SECRET//REL TO USA, FVEY', 'SECRET//REL TO USA, AUS, CAN, GBR, NZL', 'same'],
    ['SECRET//NOFORN', 'CONFIDENTIAL//NOFORN', 'widens'],
  ] as const)('%s → %s %s', (from, to, effect) => {
    expect(remarkEffect(m(from), m(to))).toBe(effect);
    expect(grantsAccess(m(from), m(to))).toBe(effect === 'widens' || effect === 'mixed');
    // The same rule as the narrowing test both ways, which the leak properties check.
    expect(isNarrowing(m(from), m(to))).toBe(effect === 'narrows' || effect === 'same');
    expect(isNarrowing(m(to), m(from))).toBe(effect === 'widens' || effect === 'same');
  });
});
