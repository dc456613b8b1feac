// The one rule for text clients send (shared/text.ts) and the token claims built on it.
import { describe, expect, test } from 'vitest';
import { CLAIM_TEXT_MAX, claimsSchema } from '../../shared/protocol';
import { escapeUnstorable, holdsStorableText, isStorableLine, isStorableProse } from '../../shared/text';

describe('inbound text', () => {
  test('prose keeps tab and line breaks; one-line values keep neither; both keep any printable text, astral characters included', () => {
    for (const text of ['plain', 'Ünïcödé — 日本語', 'emoji 😀 pair', '']) {
      expect(isStorableProse(text), text).toBe(true);
      expect(isStorableLine(text), text).toBe(true);
    }
    for (const text of ['a\tb', 'line\nline', 'crlf\r\n']) {
      expect(isStorableProse(text)).toBe(true);
      expect(isStorableLine(text)).toBe(false);
    }
  });

  test('U+0000, other control characters, DEL and unpaired surrogates are refused everywhere', () => {
    for (const text of ['a\u0000b', 'bell\u0007', 'vt\u000B', 'ff\u000C', 'esc\u001B', 'del\u007F', 'high \uD800 alone', 'low \uDC00 alone', '\uDE00\uD83D reversed']) {
      expect(isStorableProse(text), JSON.stringify(text)).toBe(false);
      expect(isStorableLine(text), JSON.stringify(text)).toBe(false);
    }
    expect(holdsStorableText({ cursor: { anchor: ['ok', { deep: 'x\u0000' }] } })).toBe(false);
    expect(holdsStorableText({ ['key\u0000']: 1 })).toBe(false);
    expect(holdsStorableText({ cursor: { anchor: ['ok', 3, null, { line: 'a\nb' }] } })).toBe(true);
  });

  test('escaping writes each refused character as \\uXXXX and leaves the rest', () => {
    expect(escapeUnstorable('a\u0000b\uD800c\td😀')).toBe('a\\u0000b\\ud800c\td😀');
  });
});

describe('token claims', () => {
  const claims = { sub: 'hcole', name: 'Harriet Cole', nation: 'GBR', clearance: 'SECRET', compartments: ['SI'], roles: ['editor'] };

  test(`text claims hold one line of at most ${CLAIM_TEXT_MAX} characters`, () => {
    expect(claimsSchema.safeParse(claims).success).toBe(true);
    expect(claimsSchema.safeParse({ ...claims, sub: 'x'.repeat(CLAIM_TEXT_MAX) }).success).toBe(true);
    for (const bad of [
      { sub: 'x'.repeat(CLAIM_TEXT_MAX + 1) },
      { sub: 'h\u0000cole' },
      { name: 'Harriet\nCole' },
      { clearance: 'SECRET\u0000' },
      { compartments: ['SI', 'TK\u0001'] },
      { compartments: Array.from({ length: CLAIM_TEXT_MAX + 1 }, (_, i) => `C${i}`) },
    ]) {
      expect(claimsSchema.safeParse({ ...claims, ...bad }).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
    }
  });
});
