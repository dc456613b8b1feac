// Every feature as a list entry (mark and name), so the map is usable from the keyboard alone.
import type { Envelope } from '../../../shared/protocol';
import { PortionMark } from '../markings/PortionMark';
import { useWorkspace } from '../workspace/context';
import { ObjectTitle } from '../workspace/ObjectTitle';

interface Props {
  features: Envelope[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}

export function FeatureList({ features, selectedId, onSelect }: Props) {
  const { cell } = useWorkspace();
  return (
    <section className="feature-list" aria-labelledby="feature-list-title">
      <h2 id="feature-list-title">Features ({features.length})</h2>
      {features.length === 0 && <p className="muted">No features you can see yet.</p>}
      <ul>
        {features.map((feature) => (
          <li key={feature.id}>
            <button type="button" aria-pressed={feature.id === selectedId} onClick={() => onSelect(feature.id)}>
              <PortionMark portion={feature.portion} marking={feature.marking} originator={feature.originator} policy={cell.policy} />{' '}
              <ObjectTitle id={feature.id} field="name" fallback="Unnamed feature" />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
