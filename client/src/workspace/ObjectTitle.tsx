// An object's title (or other string field), live: re-renders when anyone edits it.
import { isString, readField, useReplicaDoc } from '../session/hooks';
import { useWorkspace } from './context';

export function ObjectTitle({ id, field = 'title', fallback }: { id: string; field?: string; fallback: string }) {
  const { picture } = useWorkspace();
  const doc = useReplicaDoc(picture.replica(id));
  const text = readField(doc, field, isString)?.trim();
  return <>{text || fallback}</>;
}
