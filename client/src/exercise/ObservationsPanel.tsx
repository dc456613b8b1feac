// Observations of an exercise, for EXCON and evaluators: a form (the inject it is about, an expected
// action, the text, its own marking) and the list the server answers, filtered by each
// observation's marking. The server stamps both clocks and refuses anyone else; the list is read
// again whenever the server says one was recorded.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Observation } from '../../../shared/protocol';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import type { Connection } from '../session/connection';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { offsetText } from './exerciseClock';

interface Props {
  connection: Pick<Connection, 'request' | 'socket'>;
  workspaceId: string;
  /** The injects the author may link an observation to (those they may see). */
  injectIds: readonly string[];
}

export function ObservationsPanel({ connection, workspaceId, injectIds }: Props) {
  const { picker, snapshot } = useWorkspace();
  const action = useAction();
  const [observations, setObservations] = useState<Observation[]>([]);
  const [injectId, setInjectId] = useState('');
  const [expectedAction, setExpectedAction] = useState('');
  const [text, setText] = useState('');
  const [marking, setMarking] = useState<PickerResult | null>(null);

  const reload = useCallback(async () => setObservations((await connection.request('exercise:observations', { workspaceId })).observations), [connection, workspaceId]);
  useEffect(() => {
    void action.run(reload, 'The observations could not be read');
    const onObservation = () => void reload().catch(() => undefined);
    connection.socket.on('exercise:observation', onObservation);
    return () => void connection.socket.off('exercise:observation', onObservation);
  }, [connection, reload]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!marking?.ok || !text.trim()) return;
    const done = await action.run(async () => {
      await connection.request('exercise:observe', {
        workspaceId,
        text: text.trim(),
        marking: marking.banner,
        ...(injectId ? { injectId } : {}),
        ...(expectedAction.trim() ? { expectedAction: expectedAction.trim() } : {}),
      });
      await reload();
    }, 'The observation was not recorded');
    if (done) {
      setText('');
      setExpectedAction('');
    }
  };

  return (
    <section className="observations no-print" aria-label="Observations">
      <h2>Observations</h2>
      <form className="panel" onSubmit={submit}>
        <label htmlFor="observation-inject">Inject</label>
        <select id="observation-inject" value={injectId} onChange={(e) => setInjectId(e.target.value)}>
          <option value="">None (general)</option>
          {injectIds.map((id) => (
            <option key={id} value={id}>{id}</option>
          ))}
        </select>
        <label htmlFor="observation-action">Expected action (optional)</label>
        <input id="observation-action" value={expectedAction} onChange={(e) => setExpectedAction(e.target.value)} />
        <label htmlFor="observation-text">Observation</label>
        <textarea id="observation-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
        <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} legend="Observation marking" />
        <ErrorMessage message={action.error} onDismiss={action.clearError} />
        <button type="submit" className="primary" disabled={action.busy || !marking?.ok || !text.trim()}>
          Record observation
        </button>
      </form>
      {observations.length === 0 ? (
        <p>No observations yet.</p>
      ) : (
        <ol className="observation-list">
          {observations.map((o) => (
            <li key={`${o.zulu}|${o.author.sub}|${o.text}`} data-testid="observation">
              <strong>({o.marking})</strong> {o.injectId ?? 'General'} · scenario {offsetText(o.scenarioMs)} · {o.zulu} · {o.author.role} {o.author.nation}
              {o.expectedAction && ` · on “${o.expectedAction}”`}
              <p>{o.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
