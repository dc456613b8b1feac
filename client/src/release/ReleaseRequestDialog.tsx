// "Request release": a wider marking (the picker offers nothing else) and a justification, sent to
// the FDOs of the item's originator nation; then the request's fate, live, until the dialog is closed.
// For a report, the paragraphs can go along: each ticked one is requested with the same nations added.
import { useId, useMemo, useState, type FormEvent } from 'react';
import { MarkingError } from '../../../shared/markings';
import type { Envelope, ReleaseRequest } from '../../../shared/protocol';
import { isPending, type ReleasePolicy } from '../../../shared/release';
import { markingOf } from '../markings/cell';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerContext, PickerResult } from '../markings/pickerModel';
import { ErrorMessage } from '../views/ErrorMessage';
import { useAction } from '../workspace/useAction';
import { Countdown } from './Countdown';
import { ParagraphsAlong } from './ParagraphsAlong';
import { paragraphProposals, type ReleaseProposal } from './paragraphsAlong';
import { deadlineSentence, outcomeSentence, STATE_LABELS } from './requestState';
import { useNow } from './useNow';

interface Props {
  envelope: Envelope;
  /** e.g. 'map feature “Convoy”'. */
  objectName: string;
  picker: PickerContext;
  /** The cell's release policy: whether silence at the deadline releases (undefined: it does not). */
  releasePolicy: ReleasePolicy | undefined;
  /** This participant's latest request about the item (kept live by the caller), if any. */
  latest: ReleaseRequest | null;
  onRequest: (marking: string, justification: string) => Promise<ReleaseRequest>;
  /** A report's paragraphs the requester sees, in order (empty or absent for other items). */
  paragraphs?: readonly Envelope[];
  onRequestParagraph?: (paragraphId: string, marking: string, justification: string) => Promise<ReleaseRequest>;
  onWithdraw: (requestId: string) => Promise<unknown>;
  onClose: () => void;
}

interface ParagraphOutcome {
  name: string;
  portion: string;
  /** The error's message when the request was not sent. */
  problem: string | null;
}

export function ReleaseRequestDialog(props: Props) {
  const { envelope, objectName, picker, releasePolicy, latest, onRequest, onWithdraw, onClose } = props;
  const { paragraphs = [], onRequestParagraph } = props;
  const id = useId();
  // The request this dialog follows: one sent from it, or one that was pending while it was open.
  const [watchedId, setWatchedId] = useState<string | null>(null);
  if (latest && isPending(latest) && watchedId !== latest.id) setWatchedId(latest.id);
  const [target, setTarget] = useState<PickerResult | null>(null);
  const [justification, setJustification] = useState('');
  const action = useAction();
  const current = useMemo(() => {
    try {
      return markingOf(envelope.marking, envelope.originator, picker.cell.policy);
    } catch (error) {
      if (error instanceof MarkingError) return null;
      throw error;
    }
  }, [envelope.marking, envelope.originator, picker.cell.policy]);
  const context = useMemo(() => (current ? { ...picker, widerThan: current } : null), [picker, current]);
  const shown = latest && (isPending(latest) || latest.id === watchedId) ? latest : null;
  // Ticks the requester changed; the rest follow each proposal's preselection.
  const [ticks, setTicks] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [outcomes, setOutcomes] = useState<ParagraphOutcome[]>([]);
  const proposals = current && target?.ok && onRequestParagraph ? paragraphProposals(paragraphs, current, target.marking, picker.cell.policy) : [];
  const ticked = (p: ReleaseProposal) => ticks.get(p.paragraph.id) ?? p.preselected;
  const chosen = proposals.filter((p): p is ReleaseProposal => p.kind === 'release' && ticked(p));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!target?.ok || !justification.trim()) return;
    const why = justification.trim();
    await action.run(async () => {
      setWatchedId((await onRequest(target.banner, why)).id);
      // The report's request went; each paragraph's is its own, and one refused does not stop the rest.
      const sent: ParagraphOutcome[] = [];
      for (const proposal of chosen) {
        if (!onRequestParagraph) break;
        const outcome = { name: proposal.name, portion: proposal.paragraph.portion };
        try {
          await onRequestParagraph(proposal.paragraph.id, proposal.target, why);
          sent.push({ ...outcome, problem: null });
        } catch (error) {
          sent.push({ ...outcome, problem: error instanceof Error ? error.message : String(error) });
        }
      }
      setOutcomes(sent);
    }, 'The request was not sent');
  };

  return (
    <section className="release-dialog panel" role="dialog" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Request release of {objectName}</h3>
      {shown ? (
        <RequestStatus
          request={shown}
          releasePolicy={releasePolicy}
          picker={picker}
          busy={action.busy}
          onWithdraw={() => action.run(() => onWithdraw(shown.id), 'The request was not withdrawn')}
          onAgain={() => {
            setWatchedId(null);
            setOutcomes([]);
          }}
        />
      ) : !context ? (
        <ErrorMessage message={`This item’s marking (${envelope.marking}) cannot be read, so no release can be requested.`} />
      ) : (
        <form onSubmit={submit} aria-label="Release request">
          <p className="muted">
            Now {envelope.marking}. The foreign disclosure officers of {envelope.originator} decide; only wider markings are offered.
          </p>
          <MarkingPicker context={context} initial={envelope.marking} onChange={setTarget} legend="Release to" />
          {proposals.length > 0 && (
            <ParagraphsAlong
              proposals={proposals}
              isSelected={ticked}
              onToggle={(id, selected) => setTicks(new Map(ticks).set(id, selected))}
            />
          )}
          <label htmlFor={`${id}-why`}>Justification (the FDO reads this)</label>
          <textarea
            id={`${id}-why`}
            value={justification}
            onChange={(e) => setJustification(e.target.value)}
            maxLength={2000}
            rows={3}
            placeholder="Why the partners need it, and by when"
            required
          />
          {!justification.trim() && <p className="field-problem">A justification is required.</p>}
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy || !target?.ok || !justification.trim()}>
              {chosen.length > 0 ? `Send ${chosen.length + 1} requests` : 'Send request'}
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {shown && outcomes.length > 0 && (
        <ul className="paragraph-outcomes" aria-label="Paragraph requests">
          {outcomes.map((outcome) => (
            <li key={outcome.name} className={outcome.problem ? 'field-problem' : undefined}>
              Paragraph {outcome.name} {outcome.portion}: {outcome.problem ? `not sent: ${outcome.problem}` : 'release requested'}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage message={action.error} />
      {shown && (
        <div className="actions">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </section>
  );
}

interface StatusProps {
  request: ReleaseRequest;
  releasePolicy: ReleasePolicy | undefined;
  picker: PickerContext;
  busy: boolean;
  onWithdraw: () => void;
  onAgain: () => void;
}

function RequestStatus({ request, releasePolicy, picker, busy, onWithdraw, onAgain }: StatusProps) {
  const now = useNow();
  return (
    <div className={`request-status state-${request.state}`} aria-live="polite" data-testid="request-status">
      <p>
        <strong>{STATE_LABELS[request.state]}</strong>: release to {request.targetMarking}. {outcomeSentence(request)}
      </p>
      {request.state === 'denied' && <p className="denial-reason">Reason: {request.reason}</p>}
      {request.state === 'failed' && <p className="failure-reason">Why: {request.failure}</p>}
      {isPending(request) ? (
        <>
          <p>
            <Countdown requestedAt={request.requestedAt} deadline={request.deadline} now={now} />
          </p>
          <p className="muted">{deadlineSentence(request, releasePolicy, picker.cell.policy)}</p>
          <button type="button" disabled={busy} onClick={onWithdraw}>
            Withdraw request
          </button>
        </>
      ) : (
        request.state !== 'approved' &&
        request.state !== 'auto_released' && (
          <button type="button" onClick={onAgain}>
            Ask again
          </button>
        )
      )}
    </div>
  );
}
