import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../server/audit/canonicalJson';
import { chainEntry, GENESIS_HASH, hashEntry, type AuditDraft, type AuditEntry } from '../../server/audit/entry';
import { verifyChain } from '../../server/audit/verify';

const t0 = new Date('2025-03-01T08:00:00.000Z');

function draft(n: number): AuditDraft {
  return {
    workspaceId: 'ws-1',
    actor: { sub: `user-${n % 3}`, nation: n % 2 ? 'USA' : 'GBR' },
    action: n % 2 ? 'object.create' : 'workspace.join',
    objectId: n % 2 ? `obj-${n}` : null,
    detail: { n, marking: 'SECRET//REL TO USA, GBR' },
  };
}

function buildChain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let n = 1; n <= count; n++) entries.push(chainEntry(entries.at(-1) ?? null, draft(n), new Date(t0.getTime() + n)));
  return entries;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":"x","z":null}]},"b":1}',
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });
});

describe('chainEntry', () => {
  it('numbers entries from 1, chains each to the previous hash and hashes every field', () => {
    const [first, second] = buildChain(2);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, at: '2025-03-01T08:00:00.001Z', objectId: 'obj-1' });
    expect(second).toMatchObject({ seq: 2, prevHash: first!.hash, objectId: null });
    expect(first!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEntry(first!)).toBe(first!.hash);
    for (const change of [
      { at: '2025-03-01T08:00:00.002Z' },
      { workspaceId: 'ws-2' },
      { actor: { sub: 'user-1', nation: 'GBR' } },
      { action: 'object.remark' as const },
      { objectId: 'obj-9' },
      { detail: { n: 1, marking: 'SECRET//NOFORN' } },
      { prevHash: 'f'.repeat(64) },
      { seq: 7 },
    ]) {
      expect(hashEntry({ ...first!, ...change })).not.toBe(first!.hash);
    }
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const entries = buildChain(5);
    expect(verifyChain(entries)).toEqual({ ok: true, count: 5, head: { seq: 5, hash: entries[4]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('names the altered entry', () => {
    const entries = buildChain(5);
    entries[2] = { ...entries[2]!, detail: { n: 3, marking: 'SECRET//NOFORN' } };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/altered/) });
  });

  it('names the entry after one that was altered and re-hashed', () => {
    const entries = buildChain(5);
    const forged = { ...entries[1]!, actor: { sub: 'mallory', nation: 'USA' } };
    entries[1] = { ...forged, hash: hashEntry(forged) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/does not follow entry 2/) });
  });

  it('names a removed entry, first or in the middle', () => {
    const entries = buildChain(5);
    expect(verifyChain(entries.filter((e) => e.seq !== 3))).toMatchObject({ ok: false, seq: 3, reason: 'entry 3 is missing' });
    expect(verifyChain(entries.slice(1))).toMatchObject({ ok: false, seq: 1, reason: 'entry 1 is missing' });
  });

  it('names the first of two entries that were swapped', () => {
    const entries = buildChain(5);
    const swapped = [entries[0]!, entries[3]!, entries[2]!, entries[1]!, entries[4]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/entry 2 is missing/) });
    // Renumbered to hide the swap: the content no longer matches the hash.
    const renumbered = swapped.map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, seq: 2 });
  });

  it('reports an entry that moved backwards as out of order', () => {
    const entries = buildChain(3);
    expect(verifyChain([entries[0]!, entries[1]!, entries[0]!])).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/out of order/) });
  });

  it('detects truncation and forged tails against the recorded head', () => {
    const entries = buildChain(5);
    const head = { seq: 5, hash: entries[4]!.hash };
    expect(verifyChain(entries, { head })).toMatchObject({ ok: true, count: 5 });
    expect(verifyChain(entries.slice(0, 3), { head })).toMatchObject({ ok: false, seq: 4, reason: expect.stringMatching(/truncated/) });
    expect(verifyChain([], { head })).toMatchObject({ ok: false, seq: 1 });
    expect(verifyChain(entries, { head: { seq: 4, hash: entries[3]!.hash } })).toMatchObject({ ok: false, seq: 5 });
    expect(verifyChain(entries, { head: { seq: 5, hash: 'a'.repeat(64) } })).toMatchObject({ ok: false, seq: 5 });
    expect(verifyChain(entries, { head: null })).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/head/) });
    expect(verifyChain([], { head: null })).toMatchObject({ ok: true, count: 0 });
  });
});
