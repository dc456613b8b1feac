// One pending request in the FDO inbox: what (its content beside its marking now), from whom, why,
// to what marking, the time left, and Approve / Deny (a category and a reason are mandatory: the
// requester reads them, and the figures count denials by category).
import { useId, useState } from 'react';
import type { ReleaseRequest } from '../../../shared/protocol';
import { DENIAL_CATEGORIES, DENIAL_CATEGORY_LABELS, type DenialCategory } from '../../../shared/release';
import { ErrorMessage } from '../views/ErrorMessage';
import { Dtg } from '../views/Dtg';
import { useAction } from '../workspace/useAction';
import { Countdown } from './Countdown';
import type { Decision } from '../session/releaseBoard';

interface Props {
  request: ReleaseRequest;
  objectName: string;
  /** What the object says, null while not loaded. */
  content?: string | null;
  now: number;
  /** What happens at the deadline, in words (automatic release or expiry). */
  deadlineNote: string;
  onDecide: (decision: Exclude<Decision, 'withdraw'>, reason?: string, category?: DenialCategory) => Promise<unknown>;
  onShow?: () => void;
}

export function InboxItem({ request, objectName, content = null, now, deadlineNote, onDecide, onShow }: Props) {
  const id = useId();
  const [denying, setDenying] = useState(false);
  const [reason, setReason] = useState('');
  const [category, setCategory] = useState<DenialCategory | ''>('');
  const action = useAction();
  const deny = () => action.run(() => onDecide('deny', reason.trim(), category || undefined), 'The denial was not recorded');

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
        <dt>Content</dt>
        <dd className="inbox-content" data-testid="inbox-content">
          {content === null ? <span className="muted">Not loaded yet.</span> : content || <span className="muted">Empty.</span>}
        </dd>
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
          <label htmlFor={`${id}-category`}>Why</label>
          <select id={`${id}-category`} value={category} onChange={(e) => setCategory(e.target.value as DenialCategory | '')}>
            <option value="">Choose…</option>
            {DENIAL_CATEGORIES.map((value) => (
              <option key={value} value={value}>
                {DENIAL_CATEGORY_LABELS[value]}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-reason`}>Reason for the denial (the requester reads it)</label>
          <textarea id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} rows={2} />
          {!category && <p className="field-problem">Choose why it is denied.</p>}
          {!reason.trim() && <p className="field-problem">A denial needs a reason.</p>}
          <div className="actions">
            <button type="button" className="danger" disabled={action.busy || !reason.trim() || !category} onClick={deny}>
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
