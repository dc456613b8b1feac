// Errors the live session met in the background (a refused edit, a failed reload), in words.
import type { Notice } from '../session/picture';
import { ErrorMessage } from '../views/ErrorMessage';

export function Notices({ notices, onDismiss }: { notices: readonly Notice[]; onDismiss: (id: number) => void }) {
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((notice) => (
        <ErrorMessage key={notice.id} message={notice.message} onDismiss={() => onDismiss(notice.id)} />
      ))}
    </div>
  );
}
