// A multi-line text area bound to a text field of an object's doc (an RFI's answer): concurrent
// typing merges, as in FieldInput.
import { useReplicaDoc } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { fieldSource } from './FieldInput';
import { useMergedText } from './useMergedText';

interface Props {
  replica: ObjectReplica | undefined;
  field: string;
  label: string;
  readOnly: boolean;
  rows?: number;
}

export function FieldTextArea({ replica, field, label, readOnly, rows = 3 }: Props) {
  const doc = useReplicaDoc(replica);
  const source = fieldSource(doc, field);
  const binding = useMergedText<HTMLTextAreaElement>(source, readOnly);
  return (
    <textarea
      ref={binding.ref}
      aria-label={label}
      rows={rows}
      defaultValue={source?.value ?? ''}
      readOnly={readOnly || !doc}
      onFocus={binding.onSelect}
      onSelect={binding.onSelect}
      onInput={binding.onInput}
    />
  );
}
