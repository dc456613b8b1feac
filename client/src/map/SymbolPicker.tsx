// A point's military symbol: affiliation and a searchable list of unit and platform types. The
// chosen code goes into the feature's content (fields.sidc), marked like the rest of it.
import type ms from 'milsymbol';
import { useEffect, useId, useMemo, useState } from 'react';
import { AFFILIATIONS, DOMAINS, readSidc, searchSymbolTypes, sidcOf, SYMBOL_TYPES, type Affiliation } from '../../../shared/geo/symbols';

interface Props {
  value: string | undefined;
  onChange: (sidc: string | undefined) => void;
  readOnly?: boolean;
}

export function SymbolPicker({ value, onChange, readOnly }: Props) {
  const id = useId();
  const current = readSidc(value);
  const [affiliation, setAffiliation] = useState<Affiliation>(current?.affiliation ?? 'U');
  const [query, setQuery] = useState('');
  const matches = useMemo(() => searchSymbolTypes(query), [query]);
  // milsymbol comes with the map's chunk (it draws the symbols there too); the preview waits for it.
  const [milsymbol, setMilsymbol] = useState<typeof ms | null>(null);
  useEffect(() => {
    void import('milsymbol').then((module) => setMilsymbol(() => module.default));
  }, []);
  const preview = useMemo(() => (current && milsymbol ? new milsymbol.Symbol(current.sidc, { size: 22 }).asSVG() : null), [current?.sidc, milsymbol]);

  const choose = (nextAffiliation: Affiliation, index: string) => {
    const type = SYMBOL_TYPES[Number(index)];
    onChange(type ? sidcOf(nextAffiliation, type) : undefined);
  };
  const selectedIndex = current ? String(SYMBOL_TYPES.indexOf(current.type)) : '';

  return (
    <fieldset className="symbol-picker" disabled={readOnly}>
      <legend>Symbol (MIL-STD-2525)</legend>
      <div className="symbol-row">
        {preview && <span className="symbol-preview" aria-hidden="true" dangerouslySetInnerHTML={{ __html: preview }} />}
        <span className="muted" data-testid="symbol-chosen">
          {current ? `${AFFILIATIONS[current.affiliation]} ${current.type.label.toLowerCase()}` : 'No symbol: drawn as a dot.'}
        </span>
      </div>
      <div role="radiogroup" aria-label="Affiliation" className="affiliations">
        {(Object.keys(AFFILIATIONS) as Affiliation[]).map((a) => (
          <label key={a} className="check">
            <input
              type="radio"
              name={`${id}-affiliation`}
              checked={affiliation === a}
              onChange={() => {
                setAffiliation(a);
                if (current) choose(a, selectedIndex);
              }}
            />
            {AFFILIATIONS[a]}
          </label>
        ))}
      </div>
      <label htmlFor={`${id}-search`}>Find a unit or platform type</label>
      <input id={`${id}-search`} type="search" value={query} placeholder="e.g. surface combatant, submarine, militia" onChange={(e) => setQuery(e.target.value)} />
      <label htmlFor={`${id}-type`}>Type</label>
      <select id={`${id}-type`} value={selectedIndex} onChange={(e) => choose(affiliation, e.target.value)}>
        <option value="">No symbol</option>
        {matches.map((type) => {
          const index = SYMBOL_TYPES.indexOf(type);
          return (
            <option key={index} value={String(index)}>
              {type.label} — {DOMAINS[type.domain]}
            </option>
          );
        })}
        {current && !matches.includes(current.type) && <option value={selectedIndex}>{current.type.label}</option>}
      </select>
    </fieldset>
  );
}
