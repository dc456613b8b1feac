// A multi-line text area bound to a string field of an object's doc (last writer wins per field).
import { fieldsOf } from '../../../shared/content';
import { isString, readField, useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';

interface Props {
  replica: ObjectReplica | undefined;
  field: string;
  label: string;
  readOnly: boolean;
  rows?: number;
}

export function FieldTextArea({ replica, field, label, readOnly, rows = 3 }: Props) {
  const doc = useReplicaDoc(replica);
  return (
    <textarea
      aria-label={label}
      rows={rows}
      value={readField(doc, field, isString) ?? ''}
      readOnly={readOnly || !doc}
      onChange={(event) => doc && fieldsOf(doc).set(field, event.target.value)}
    />
  );
}
