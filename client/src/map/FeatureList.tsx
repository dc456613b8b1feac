// Every feature as a list entry (mark and name), so the map is usable from the keyboard alone.
// Only the entries in or near view are mounted (VirtualList): at 20,000 objects the list of 4,000
// features was most of the page's paint while typing. It scrolls in a box of its own, so bringing
// a feature selected on the map into the list never scrolls the map out of view.
import { useCallback } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { PortionMark } from '../markings/PortionMark';
import { VirtualList } from '../views/VirtualList';
import { useWorkspace } from '../workspace/context';
import { ObjectTitle } from '../workspace/ObjectTitle';

/** An entry's height before it is measured, in px (one line of mark and name). */
const ENTRY_ESTIMATE_PX = 34;

interface Props {
  features: Envelope[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Bring this feature into the list's view (a new serial asks again). */
  reveal: { id: string; serial: number } | null;
}

const idOf = (feature: Envelope) => feature.id;

export function FeatureList({ features, selectedId, onSelect, reveal }: Props) {
  const { cell } = useWorkspace();
  const renderEntry = useCallback(
    (feature: Envelope) => (
      <button type="button" aria-pressed={feature.id === selectedId} onClick={() => onSelect(feature.id)}>
        <PortionMark portion={feature.portion} marking={feature.marking} originator={feature.originator} policy={cell.policy} />{' '}
        <ObjectTitle id={feature.id} field="name" fallback="Unnamed feature" />
      </button>
    ),
    [selectedId, onSelect, cell.policy],
  );
  return (
    <section className="feature-list" aria-labelledby="feature-list-title">
      <h2 id="feature-list-title">Features ({features.length})</h2>
      {features.length === 0 && <p className="muted">No features you can see yet.</p>}
      <div className="feature-rows">
        <VirtualList items={features} keyOf={idOf} render={renderEntry} estimate={ENTRY_ESTIMATE_PX} reveal={reveal} align="nearest" />
      </div>
    </section>
  );
}
