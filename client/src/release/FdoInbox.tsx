// The FDO inbox: pending requests about this FDO's nation's items, soonest deadline first, each
// with a live countdown; a report's paragraph requests sit under the report's, with one button to
// approve them all (each stays its own decision, and can be denied on its own first).
import type { MarkingPolicy } from '../../../shared/markings';
import type { ReleaseRequest } from '../../../shared/protocol';
import type { DenialCategory, ReleasePolicy } from '../../../shared/release';
import type { Decision } from '../session/releaseBoard';
import { ErrorMessage } from '../views/ErrorMessage';
import { useAction } from '../workspace/useAction';
import { groupInbox, type ParagraphLocator } from './inboxGroups';
import { InboxItem } from './InboxItem';
import { deadlineSentence } from './requestState';
import { useNow } from './useNow';

interface Props {
  requests: readonly ReleaseRequest[];
  releasePolicy: ReleasePolicy | undefined;
  policy: MarkingPolicy;
  nameOf: (objectId: string) => string;
  /** Where a paragraph sits in its report (for grouping); absent: no grouping. */
  locate?: ParagraphLocator;
  onDecide: (request: ReleaseRequest, decision: Exclude<Decision, 'withdraw'>, reason?: string, category?: DenialCategory) => Promise<unknown>;
  onShow?: (objectId: string) => void;
  /** What the object says (null: not loaded), shown beside its marking. */
  contentOf?: (objectId: string) => string | null;
}

export function FdoInbox({ requests, releasePolicy, policy, nameOf, locate = () => null, onDecide, onShow, contentOf = () => null }: Props) {
  const now = useNow();
  const approveAll = useAction();
  const item = (request: ReleaseRequest) => (
    <InboxItem
      key={request.id}
      request={request}
      objectName={nameOf(request.objectId)}
      content={contentOf(request.objectId)}
      now={now}
      deadlineNote={deadlineSentence(request, releasePolicy, policy)}
      onDecide={(decision, reason, category) => onDecide(request, decision, reason, category)}
      onShow={onShow && (() => onShow(request.objectId))}
    />
  );
  return (
    <section className="fdo-inbox" aria-labelledby="fdo-inbox-title">
      <h3 id="fdo-inbox-title">Inbox: releases to decide ({requests.length})</h3>
      {requests.length === 0 && <p className="muted">No release request is waiting for you.</p>}
      <ErrorMessage message={approveAll.error} />
      {groupInbox(requests, locate).map(({ lead, paragraphs }) =>
        paragraphs.length === 0 ? (
          item(lead)
        ) : (
          <div key={lead.id} className="inbox-group" role="group" aria-label={`${nameOf(lead.objectId)} with ${paragraphs.length} paragraph(s)`}>
            {item(lead)}
            <div className="inbox-paragraphs">{paragraphs.map(item)}</div>
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={approveAll.busy}
                onClick={() =>
                  approveAll.run(async () => {
                    for (const request of [lead, ...paragraphs]) await onDecide(request, 'approve');
                  }, 'Not every approval was recorded')
                }
              >
                Approve the report and its {paragraphs.length} paragraph(s)
              </button>
            </div>
          </div>
        ),
      )}
    </section>
  );
}
