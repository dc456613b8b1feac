// The selected feature: name, description (edited together), positions, marking.
import type { Envelope } from '../../../shared/protocol';
import { fieldsOf } from '../../../shared/content';
import { PortionMark } from '../markings/PortionMark';
import { readField, useReplicaDoc } from '../session/hooks';
import { CollaborativeText } from '../text/CollaborativeText';
import { FieldInput } from '../text/FieldInput';
import { useWorkspace } from '../workspace/context';
import { ObjectActions } from '../workspace/ObjectActions';
import { useObjectPresence } from '../workspace/useObjectPresence';
import { GEOMETRY_LABELS, geometryFrom, isGeometry, normaliseForRead, verticesOf, type FeatureGeometry } from '../../../shared/geo/geometry';
import { CoordinatesField } from './CoordinatesField';
import { SymbolPicker } from './SymbolPicker';
import { TrackHistory } from './TrackHistory';

interface Props {
  feature: Envelope;
  onClose: () => void;
  /** A typed change of position: goes through the map's undo and move rules. */
  onGeometry: (geometry: FeatureGeometry) => void;
}

export function FeatureDetails({ feature, onClose, onGeometry }: Props) {
  const { picture, cell, canEdit } = useWorkspace();
  const { others, onCursor } = useObjectPresence(feature.id);
  const replica = picture.replica(feature.id);
  const doc = useReplicaDoc(replica);
  const stored = readField(doc, 'geometry', isGeometry);
  const geometry = stored && normaliseForRead(stored);
  const sidc = readField(doc, 'sidc', (v): v is string => typeof v === 'string');

  return (
    <section className="feature-details panel" aria-label="Selected feature" data-feature-id={feature.id}>
      <div className="details-head">
        <PortionMark portion={feature.portion} marking={feature.marking} originator={feature.originator} policy={cell.policy} />
        <FieldInput replica={replica} field="name" label="Feature name" readOnly={!canEdit} className="feature-name" />
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {geometry && doc && (
        <CoordinatesField
          key={`positions:${feature.id}`}
          label={`Positions of this ${GEOMETRY_LABELS[geometry.type]}`}
          vertices={verticesOf(geometry)}
          readOnly={!canEdit}
          shape={geometry.type}
          onVertices={(vertices) => onGeometry(geometryFrom(geometry.type, vertices))}
        />
      )}
      {geometry?.type === 'Point' && doc && <SymbolPicker key={feature.id} value={sidc} readOnly={!canEdit} onChange={(value) => doc.transact(() => (value ? fieldsOf(doc).set('sidc', value) : fieldsOf(doc).delete('sidc')))} />}
      {geometry?.type === 'Point' && <TrackHistory feature={feature} />}
      {replica && (
        <CollaborativeText replica={replica} label={`Description, marked ${feature.portion}`} readOnly={!canEdit} others={others} onCursor={onCursor} placeholder="Description" />
      )}
      <ObjectActions envelope={feature} />
    </section>
  );
}
