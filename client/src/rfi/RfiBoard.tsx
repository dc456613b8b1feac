// Requests for information in three columns: open, assigned to a nation, answered. Each column
// mounts only the cards in view; the board re-renders when an RFI changes column, not on every
// keystroke in a card.
import { useCallback } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { useDocKeys } from '../session/hooks';
import type { ObjectReplica } from '../session/replica';
import { VirtualList } from '../views/VirtualList';
import { useWorkspace } from '../workspace/context';
import { focusObjectElement } from '../workspace/focusObject';
import { ofKind } from '../workspace/selectors';
import { NewRfiForm } from './NewRfiForm';
import { RfiCard } from './RfiCard';
import { RFI_STATUSES, statusOf, STATUS_LABELS } from './rfiStatus';

/** A card's height before it is measured, in px. */
const CARD_ESTIMATE_PX = 230;

/** The field the board puts its RFIs in columns by (read ahead while idle: SidePanel). */
export const RFI_KEY_FIELD = 'status';

// Read without building the doc of an RFI not on screen.
const statusIn = (replica: ObjectReplica): string => statusOf(replica.field(RFI_KEY_FIELD));
const idOf = (rfi: Envelope) => rfi.id;
const renderCard = (rfi: Envelope) => <RfiCard rfi={rfi} />;

export function RfiBoard() {
  const { snapshot, picture, canEdit, focus } = useWorkspace();
  const rfis = ofKind(snapshot.objects, 'rfi');
  const status = useDocKeys(picture, rfis.map(idOf), statusIn);
  const revealed = useCallback((id: string) => void focusObjectElement(id), []);

  return (
    <div className="rfi-panel">
      <h2>RFI board</h2>
      <div className="rfi-board">
        {RFI_STATUSES.map((column) => {
          const cards = rfis.filter((rfi) => (status.get(rfi.id) ?? 'open') === column);
          return (
            <section key={column} className="rfi-column" aria-labelledby={`rfi-col-${column}`}>
              <h3 id={`rfi-col-${column}`}>
                {STATUS_LABELS[column]} <span className="count">({cards.length})</span>
              </h3>
              <VirtualList className="rfi-cards" items={cards} keyOf={idOf} render={renderCard} estimate={CARD_ESTIMATE_PX} reveal={focus} onRevealed={revealed} />
            </section>
          );
        })}
      </div>
      {canEdit && <NewRfiForm />}
    </div>
  );
}
