// One pending request in the FDO inbox: what, from whom, why, to what marking, the time left, and
// Approve / Deny (a reason is mandatory: the requester reads it).
import { useId, useState } from 'react';
import type { ReleaseRequest } from '../../../shared/protocol';
import { ErrorMessage } from '../views/ErrorMessage';
import { Dtg } from '../views/Dtg';
import { useAction } from '../workspace/useAction';
import { Countdown } from './Countdown';
import type { Decision } from '../session/releaseBoard';

interface Props {
  request: ReleaseRequest;
  objectName: string;
  now: number;
  /** What happens at the deadline, in words (automatic release or expiry). */
  deadlineNote: string;
  onDecide: (decision: Exclude<Decision, 'withdraw'>, reason?: string) => Promise<unknown>;
  onShow?: () => void;
}

export function InboxItem({ request, objectName, now, deadlineNote, onDecide, onShow }: Props) {
  const id = useId();
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const action = useAction();
  const deny = () => action.run(() => onDecide('deny', reason.trim()), 'The denial was not recorded');

  return (
    <article className="inbox-item panel" aria-label={`Release request for ${objectName}`} data-request-id={request.id}>
      <h4>
        {objectName}
        {onShow && (
          <button type="button" className="link-button" onClick={onShow}>
            Show item
          </button>
        )}
      </h4>
      <dl className="request-facts">
        <dt>Now</dt>
        <dd>{request.fromMarking}</dd>
        <dt>Release to</dt>
        <dd className="target-marking">{request.targetMarking}</dd>
        <dt>Requested by</dt>
        <dd>
          {request.requestedBy.name} ({request.requestedBy.nation}), <Dtg iso={request.requestedAt} />
        </dd>
        <dt>Justification</dt>
        <dd className="justification">{request.justification}</dd>
        <dt>Deadline</dt>
        <dd>
          <Countdown requestedAt={request.requestedAt} deadline={request.deadline} now={now} />
          <br />
          <span className="muted">{deadlineNote}</span>
        </dd>
      </dl>
      <ErrorMessage message={action.error} />
      {denying ? (
        <div className="deny-form">
          <label htmlFor={`${id}-reason`}>Reason for the denial (the requester reads it)</label>
          <textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} rows={2} />
          {!reason.trim() && <p className="field-problem">A denial needs a reason.</p>}
          <div className="actions">
            <button type="button" className="danger" disabled={action.busy || !reason.trim()} onClick={deny}>
              Deny release
            </button>
            <button type="button" onClick={() => setDenying(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="button" className="primary" disabled={action.busy} onClick={() => action.run(() => onDecide('approve'), 'The approval was not recorded')}>
            Approve
          </button>
          <button type="button" disabled={action.busy} onClick={() => setDenying(true)}>
            Deny…
          </button>
        </div>
      )}
    </article>
  );
}
