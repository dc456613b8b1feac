// Exercise control's page: the clock (start, pause, resume, speed, jump, reset, REAL WORLD), the
// MSEL with each inject's state and where it went, release / hold / cancel of each inject, the
// replay by access level (./ReplayPanel.tsx), observations (./ObservationsPanel.tsx), a form that
// adds an inject (a blank exercise cell's MSEL starts empty), the MSEL as CSV (download, and
// import: ./ImportMselForm.tsx), and the generated AAR/IP draft,
// printable. Everything is asked of the server, which checks the role.
import { useCallback, useEffect, useState } from 'react';
import type { AckBodies, ClientInput, MselRow } from '../../../shared/protocol';
import { parseScenarioTime } from '../../../shared/exercise/scenarioTime';
import type { Connection } from '../session/connection';
import { useAction } from '../workspace/useAction';
import { ErrorMessage } from '../views/ErrorMessage';
import { downloadText } from '../workspace/exportDownload';
import { offsetText } from './exerciseClock';
import { AarCharts } from './AarCharts';
import { AddInjectForm } from './AddInjectForm';
import { ImportMselForm } from './ImportMselForm';
import { Markdown } from './markdown';
import { ObservationsPanel } from './ObservationsPanel';
import { ReplayPanel } from './ReplayPanel';

type ClockAction = ClientInput<'exercise:clock'>['action'];
type InjectAction = ClientInput<'exercise:inject'>['action'];

const SPEEDS = [1, 2, 5, 10, 30, 60];

const INJECT_ACTIONS: Record<MselRow['state'], InjectAction[]> = {
  planned: ['release', 'hold', 'cancel'],
  ready: ['release', 'hold', 'cancel'],
  held: ['release', 'unhold', 'cancel'],
  released: [],
  cancelled: [],
};

const ACTION_LABEL: Record<InjectAction, string> = { release: 'Release', hold: 'Hold', unhold: 'Unhold', cancel: 'Cancel' };

/** The nations of access levels (NATION|CLEARANCE|COMPARTMENTS), each once. */
function nationsOf(levels: readonly string[]): string {
  return [...new Set(levels.map((level) => level.split('|')[0]))].join(', ');
}

interface Props {
  connection: Pick<Connection, 'request' | 'socket'>;
  workspaceId: string;
  /** EXCON's own nation: the one a new inject comes from unless another is named. */
  nation: string;
}

export function ExconPage({ connection, workspaceId, nation }: Props) {
  const action = useAction();
  const [state, setState] = useState<AckBodies['exercise:msel'] | null>(null);
  const [jumpTo, setJumpTo] = useState('');
  const [reason, setReason] = useState('');
  const [aarMarking, setAarMarking] = useState('');
  const [aarReport, setAarReport] = useState<string | null>(null);

  const reload = useCallback(async () => setState(await connection.request('exercise:msel', { workspaceId })), [connection, workspaceId]);
  useEffect(() => {
    void action.run(reload, 'The MSEL could not be read');
    const timer = setInterval(() => void reload().catch(() => undefined), 3000);
    return () => clearInterval(timer);
  }, [reload]);

  const clock = (clockAction: ClockAction) =>
    action.run(async () => {
      await connection.request('exercise:clock', { workspaceId, action: clockAction });
      await reload();
    }, 'The clock was not changed');
  const inject = (injectId: string, injectAction: InjectAction) => {
    const why = injectAction === 'cancel' ? window.prompt(`Why is ${injectId} cancelled? The after-action review reports it.`) : undefined;
    if (why === null) return;
    void action.run(async () => {
      await connection.request('exercise:inject', { workspaceId, injectId, action: injectAction, ...(why ? { reason: why } : {}) });
      await reload();
    }, `${injectId} was not changed`);
  };

  const view = state?.clock;
  const jumpMs = parseScenarioTime(jumpTo);
  return (
    <main className="excon-page" aria-label="Exercise control">
      <ErrorMessage message={action.error} onDismiss={action.clearError} />
      <section className="excon-clock no-print" aria-label="Exercise clock">
        <h2>Clock {view && `· ${offsetText(view.scenarioMs)} · ${view.status}${view.speed > 1 ? ` ×${view.speed}` : ''}`}</h2>
        <div className="excon-controls">
          <button onClick={() => void clock({ type: 'start' })} disabled={action.busy || view?.status !== 'stopped'}>Start</button>
          <button onClick={() => void clock({ type: 'pause' })} disabled={action.busy || view?.status !== 'running'}>Pause</button>
          <button onClick={() => void clock({ type: 'resume' })} disabled={action.busy || view?.status !== 'paused'}>Resume</button>
          <label>
            Speed{' '}
            <select value={view?.speed ?? 1} onChange={(e) => void clock({ type: 'speed', speed: Number(e.target.value) })}>
              {SPEEDS.map((s) => (
                <option key={s} value={s}>×{s}</option>
              ))}
            </select>
          </label>
          <label>
            Jump to <input value={jumpTo} onChange={(e) => setJumpTo(e.target.value)} placeholder="+01:30" size={8} />
          </label>
          <button onClick={() => jumpMs !== undefined && void clock({ type: 'jump', scenarioMs: jumpMs })} disabled={action.busy || jumpMs === undefined}>Jump</button>
          <button onClick={() => window.confirm('Reset the exercise to STARTEX? Released injects stay in the cell.') && void clock({ type: 'reset' })} disabled={action.busy || view?.status === 'closed'}>Reset</button>
          <button onClick={() => window.confirm('End the exercise (ENDEX)? Nothing more is released.') && void clock({ type: 'endex' })} disabled={action.busy || view?.status === 'ended' || view?.status === 'closed'}>ENDEX</button>
          <button
            onClick={() => window.confirm('Close the exercise? Its after-action review is final, and the cells\' edit history may then be compacted, so replay shows less detail.') && void clock({ type: 'close' })}
            disabled={action.busy || view?.status !== 'ended'}
          >
            Close exercise
          </button>
        </div>
        <div className="excon-controls">
          {view?.realWorld ? (
            <button className="real-world-button" onClick={() => void clock({ type: 'clear_real_world' })} disabled={action.busy}>Clear REAL WORLD</button>
          ) : (
            <>
              <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="What is the real-world event?" size={40} />
              <button className="real-world-button" onClick={() => void clock({ type: 'real_world', reason })} disabled={action.busy || reason.trim() === ''}>REAL WORLD</button>
            </>
          )}
        </div>
      </section>
      <section className="excon-msel no-print" aria-label="MSEL">
        <h2>MSEL</h2>
        <button onClick={() => state && downloadText(`msel-${workspaceId}.csv`, state.mselCsv)} disabled={!state}>
          Download MSEL (CSV)
        </button>
        <ImportMselForm connection={connection} workspaceId={workspaceId} onImported={() => void reload().catch(() => undefined)} />
        <table>
          <thead>
            <tr>
              <th>Inject</th><th>At</th><th>From</th><th>Marking</th><th>Title</th><th>State</th><th>Reached</th><th>Control</th>
            </tr>
          </thead>
          <tbody>
            {state?.msel.map((row) => (
              <tr key={row.id} data-testid={`inject-${row.id}`} className={`inject-${row.state}`}>
                <td>{row.id}</td>
                <td>{offsetText(row.at)}</td>
                <td>{row.author}</td>
                <td>{row.marking}</td>
                <td>{row.title}{row.release === 'manual' ? ' (manual)' : ''}</td>
                <td className="inject-state">{row.state}</td>
                <td>
                  {nationsOf(row.objects.flatMap((o) => o.levels)) || '—'}
                  {row.unreached.length > 0 ? ` · not: ${nationsOf(row.unreached)}` : ''}
                </td>
                <td>
                  {INJECT_ACTIONS[row.state].map((a) => (
                    <button key={a} onClick={() => inject(row.id, a)} disabled={action.busy}>{ACTION_LABEL[a]}</button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {state?.msel.length === 0 && <p className="excon-msel-empty">The MSEL is empty: add the first inject below.</p>}
        <AddInjectForm connection={connection} workspaceId={workspaceId} nation={nation} onAdded={() => void reload().catch(() => undefined)} />
      </section>
      <ReplayPanel connection={connection} workspaceId={workspaceId} />
      <ObservationsPanel connection={connection} workspaceId={workspaceId} injectIds={state?.msel.map((row) => row.id) ?? []} />
      <section className="excon-aar" aria-label="After-action review draft">
        <div className="excon-controls no-print">
          <button onClick={() => window.print()}>Print the AAR</button>
          <label>
            Marking of the AAR report <input value={aarMarking} onChange={(e) => setAarMarking(e.target.value)} placeholder="SECRET//NOFORN" size={30} />
          </label>
          <button
            onClick={() =>
              void action.run(async () => {
                const { report, portions } = await connection.request('exercise:aar-report', { workspaceId, marking: aarMarking.trim() });
                setAarReport(`The AAR is now a report of the cell (${report.marking}, ${portions.length} paragraphs): edit it under Reports.`);
              }, 'The AAR report was not created')
            }
            disabled={action.busy || aarMarking.trim() === ''}
          >
            Create AAR report
          </button>
          {aarReport && <span role="status">{aarReport}</span>}
        </div>
        {state && <AarCharts figures={state.figures} />}
        {state && <Markdown text={state.aar} />}
      </section>
    </main>
  );
}
