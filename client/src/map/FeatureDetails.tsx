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
import { CoordinatesField } from './CoordinatesField';
import { GEOMETRY_LABELS, geometryFrom, isGeometry, verticesOf } from './geometry';

export function FeatureDetails({ feature, onClose }: { feature: Envelope; onClose: () => void }) {
  const { picture, cell, canEdit } = useWorkspace();
  const { others, onCursor } = useObjectPresence(feature.id);
  const replica = picture.replica(feature.id);
  const doc = useReplicaDoc(replica);
  const geometry = readField(doc, 'geometry', isGeometry);

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
          label={`Positions of this ${GEOMETRY_LABELS[geometry.type]}`}
          vertices={verticesOf(geometry)}
          readOnly={!canEdit}
          shape={geometry.type}
          onVertices={(vertices) => fieldsOf(doc).set('geometry', geometryFrom(geometry.type, vertices))}
        />
      )}
      {replica && (
        <CollaborativeText replica={replica} label={`Description, marked ${feature.portion}`} readOnly={!canEdit} others={others} onCursor={onCursor} placeholder="Description" />
      )}
      <ObjectActions envelope={feature} />
    </section>
  );
}
