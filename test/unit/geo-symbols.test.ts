import ms from 'milsymbol';
import { describe, expect, it } from 'vitest';
import { readSidc, searchSymbolTypes, sidcOf, SYMBOL_TYPES, type Affiliation } from '../../shared/geo/symbols';

describe('military symbol list', () => {
  it('gives milsymbol a valid 2525C code for every type and affiliation', () => {
    for (const type of SYMBOL_TYPES) {
      for (const affiliation of ['F', 'H', 'N', 'U'] as Affiliation[]) {
        const sidc = sidcOf(affiliation, type);
        expect(sidc).toHaveLength(15);
        expect(new ms.Symbol(sidc).isValid(), `${type.label} ${sidc}`).toBe(true);
        expect(readSidc(sidc)).toEqual({ affiliation, type, sidc });
      }
    }
  });

  it('finds types by any word, and reads no code it does not list', () => {
    expect(searchSymbolTypes('surface combatant').map((t) => t.label)).toContain('Surface combatant');
    expect(searchSymbolTypes('militia').map((t) => t.label)).toEqual(['Fishing vessel / maritime militia']);
    expect(searchSymbolTypes('patrol aircraft').map((t) => t.label)).toEqual(['Fixed-wing patrol aircraft']);
    expect(readSidc('SHSPCL----<img>')).toBeUndefined();
    expect(readSidc(42)).toBeUndefined();
  });
});
