// A one-line text input bound to a text field of an object's doc (title, name): what several
// people type at once merges (useMergedText), as in a paragraph.
import { editableFieldText, fieldsOf, fieldText } from '../../../shared/content';
import * as Y from 'yjs';
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { useMergedText, type MergedTextSource } from './useMergedText';

interface Props {
  replica: ObjectReplica | undefined;
  field: string;
  label: string;
  readOnly: boolean;
  className?: string;
  placeholder?: string;
  onFocus?: () => void;
}

/** The text source of one field of `doc` (a plain string until its first edit). */
export function fieldSource(doc: Y.Doc | null, field: string): MergedTextSource | null {
  if (!doc) return null;
  return {
    doc,
    value: fieldText(doc, field) ?? '',
    current: () => {
      const value = fieldsOf(doc).get(field);
      return value instanceof Y.Text ? value : null;
    },
    editable: () => editableFieldText(doc, field),
  };
}

export function FieldInput({ replica, field, label, readOnly, className, placeholder, onFocus }: Props) {
  const doc = useReplicaDoc(replica);
  const source = fieldSource(doc, field);
  const binding = useMergedText<HTMLInputElement>(source, readOnly);
  return (
    <input
      ref={binding.ref}
      className={className}
      aria-label={label}
      defaultValue={source?.value ?? ''}
      readOnly={readOnly || !doc}
      placeholder={placeholder}
      onFocus={() => {
        binding.onSelect();
        onFocus?.();
      }}
      onSelect={binding.onSelect}
      onInput={binding.onInput}
    />
  );
}
