// Search over what this participant may see (./searchIndex.ts): filters by kind, marking, nation
// and time, highlighted hits, and a result opens its object (a comment: what it is on).
import { memo, useMemo, useState } from 'react';
import { OBJECT_KINDS, type ObjectKind } from '../../../shared/protocol';
import { commentedObject } from '../collab/threads';
import { useWorkspace } from '../workspace/context';
import { highlighted, PictureIndex, search, type SearchFilters } from './searchIndex';

const SINCE: Record<string, number | null> = { any: null, day: 24, week: 24 * 7 };

// Memoised: it takes no props, so only the workspace context re-renders it.
export const SearchPanel = memo(function SearchPanel() {
  const { picture, snapshot, byId, openObject } = useWorkspace();
  const [query, setQuery] = useState('');
  const [kind, setKind] = useState<ObjectKind | ''>('');
  const [marking, setMarking] = useState('');
  const [nation, setNation] = useState('');
  const [since, setSince] = useState('any');
  // One index per picture (the live one, or a "view as"), brought up to date when a search runs.
  const kept = useMemo(() => new PictureIndex(), [picture]);
  const index = query.trim() ? kept.index : null;
  if (index) kept.refresh(snapshot.objects, (id) => picture.replica(id));
  const hours = SINCE[since];
  const filters: SearchFilters = {
    ...(kind ? { kind } : {}),
    ...(marking ? { marking } : {}),
    ...(nation ? { nation } : {}),
    ...(hours ? { since: new Date(Date.now() - hours * 3_600_000).toISOString() } : {}),
  };
  const hits = index ? search(index, query, filters) : [];
  const markings = [...new Set(snapshot.objects.map((e) => e.marking))].sort();
  const nations = [...new Set(snapshot.objects.map((e) => e.originator))].sort();
  return (
    <section className="search-panel" role="search" aria-label="Search the picture">
      <input type="search" aria-label="Search" placeholder="Search titles, text, RFIs, comments" value={query} onChange={(e) => setQuery(e.target.value)} />
      <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as ObjectKind | '')}>
        <option value="">Any kind</option>
        {OBJECT_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <select aria-label="Marking" value={marking} onChange={(e) => setMarking(e.target.value)}>
        <option value="">Any marking</option>
        {markings.map((m) => (
          <option key={m}>{m}</option>
        ))}
      </select>
      <select aria-label="Nation" value={nation} onChange={(e) => setNation(e.target.value)}>
        <option value="">Any nation</option>
        {nations.map((n) => (
          <option key={n}>{n}</option>
        ))}
      </select>
      <select aria-label="Time" value={since} onChange={(e) => setSince(e.target.value)}>
        <option value="any">Any time</option>
        <option value="day">Last 24 hours</option>
        <option value="week">Last 7 days</option>
      </select>
      {query.trim() && (
        <ul className="search-results" aria-label="Search results">
          {hits.length === 0 && <li className="muted">Nothing found.</li>}
          {hits.map((hit) => (
            <li key={hit.id}>
              <button type="button" className="link-button" onClick={() => openObject(commentedObject(byId, hit.id)?.id ?? hit.id)}>
                <span className="muted">{hit.kind}</span>{' '}
                {highlighted(hit.snippet, hit.terms).map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
});
