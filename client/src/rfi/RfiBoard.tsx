// Requests for information in three columns: open, assigned to a nation, answered.
import { fieldsOf } from '../../../shared/content';
import { useReplicasVersion } from '../session/hooks';
import { useWorkspace } from '../workspace/context';
import { ofKind } from '../workspace/selectors';
import { NewRfiForm } from './NewRfiForm';
import { RfiCard } from './RfiCard';
import { RFI_STATUSES, statusOf, STATUS_LABELS } from './rfiStatus';

export function RfiBoard() {
  const { snapshot, picture, canEdit } = useWorkspace();
  const rfis = ofKind(snapshot.objects, 'rfi');
  useReplicasVersion(picture, rfis.map((rfi) => rfi.id));
  const status = (id: string) => {
    const doc = picture.replica(id)?.doc;
    return statusOf(doc ? fieldsOf(doc).get('status') : undefined);
  };

  return (
    <div className="rfi-panel">
      <h2>RFI board</h2>
      <div className="rfi-board">
        {RFI_STATUSES.map((column) => {
          const cards = rfis.filter((rfi) => status(rfi.id) === column);
          return (
            <section key={column} className="rfi-column" aria-labelledby={`rfi-col-${column}`}>
              <h3 id={`rfi-col-${column}`}>
                {STATUS_LABELS[column]} <span className="count">({cards.length})</span>
              </h3>
              {cards.map((rfi) => (
                <RfiCard key={rfi.id} rfi={rfi} />
              ))}
            </section>
          );
        })}
      </div>
      {canEdit && <NewRfiForm />}
    </div>
  );
}
