// A feature being drawn: positions (clicked on the map or typed), name, description, marking.
import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useNewObject } from '../workspace/useNewObject';
import type { LonLat } from '../../../shared/geo/coordinates';
import { GEOMETRY_LABELS, geometryFrom, MIN_VERTICES, type GeometryKind } from '../../../shared/geo/geometry';
import { CoordinatesField } from './CoordinatesField';
import { SymbolPicker } from './SymbolPicker';

interface Props {
  kind: GeometryKind;
  vertices: LonLat[];
  onVertices: (vertices: LonLat[]) => void;
  /** Called with the new feature's id, or null when cancelled. */
  onDone: (id: string | null) => void;
}

export function NewFeatureForm({ kind, vertices, onVertices, onDone }: Props) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sidc, setSidc] = useState<string | undefined>(undefined);
  const { action, markingOk, markingPicker, create } = useNewObject();
  const label = GEOMETRY_LABELS[kind];
  const missing = MIN_VERTICES[kind] - vertices.length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (missing > 0) return;
    const created = await create(
      () => ({ kind: 'feature', fields: { name: name.trim(), geometry: geometryFrom(kind, vertices), ...(kind === 'Point' && sidc ? { sidc } : {}) }, body: description }),
      `The ${label} was not added`,
    );
    if (created) onDone(created.id);
  };

  return (
    <form className="new-feature panel" onSubmit={submit} aria-labelledby="new-feature-title">
      <h3 id="new-feature-title">New {label}</h3>
      <p className="muted">
        {missing > 0
          ? `Click the map to place ${kind === 'Point' ? 'it' : `at least ${missing} more position${missing > 1 ? 's' : ''}`}, or type the positions.`
          : kind === 'Point'
            ? 'Click elsewhere to move it.'
            : 'Click to add positions.'}
      </p>
      <CoordinatesField label="Positions" vertices={vertices} onVertices={onVertices} />
      {kind === 'Point' && <SymbolPicker value={sidc} onChange={setSidc} />}
      <label htmlFor="new-feature-name">Name</label>
      <input id="new-feature-name" value={name} onChange={(e) => setName(e.target.value)} required />
      <label htmlFor="new-feature-description">Description</label>
      <textarea id="new-feature-description" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      {markingPicker()}
      <ErrorMessage message={action.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={action.busy || !markingOk || missing > 0 || !name.trim()}>
          Add {label}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
