// A one-line text input bound to a string field of an object's doc (last writer wins per field).
import { fieldsOf } from '../../../shared/content';
import { isString, readField, useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';

interface Props {
  replica: ObjectReplica | undefined;
  field: string;
  label: string;
  readOnly: boolean;
  className?: string;
  placeholder?: string;
  onFocus?: () => void;
}

export function FieldInput({ replica, field, label, readOnly, className, placeholder, onFocus }: Props) {
  const doc = useReplicaDoc(replica);
  const value = readField(doc, field, isString) ?? '';
  return (
    <input
      className={className}
      aria-label={label}
      value={value}
      readOnly={readOnly || !doc}
      placeholder={placeholder}
      onFocus={onFocus}
      onChange={(event) => doc && fieldsOf(doc).set(field, event.target.value)}
    />
  );
}
