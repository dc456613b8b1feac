// The History panel of one object (its actions menu): the versions this participant may see, each
// with its date-time group and who made it; one version's text coloured by the nation of whoever
// wrote each run, with a legend; and "Restore this version" for editors, which the server makes
// a new edit (versions from before the object's latest release cannot be restored).
import { useEffect, useState } from 'react';
import type { Envelope, HistoryActor, VersionSummary, VersionView } from '../../../shared/protocol';
import { nationName } from '../nations';
import { Dtg } from '../views/Dtg';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { useAction } from '../workspace/useAction';
import { nationColour } from './nationColours';

const CHANGES: Record<VersionSummary['change'], string> = { created: 'Created', edited: 'Edited', released: 'Released to this audience' };

const TEXT_NAMES: Record<string, string> = { body: 'Text', title: 'Title', name: 'Name', answer: 'Answer' };

export function actorText(actor: HistoryActor): string {
  if (actor.sub === '') return 'Release copy';
  return actor.nation ? `${actor.name} (${actor.nation})` : actor.name;
}

export function HistoryPanel({ envelope, onClose }: { envelope: Envelope; onClose: () => void }) {
  const { session, canEdit } = useWorkspace();
  const action = useAction();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [view, setView] = useState<VersionView | null>(null);

  const load = () =>
    action.run(async () => {
      if (session) setVersions(await session.history(envelope.id));
    }, 'The history could not be loaded');
  // Loaded again when the object moves to a new epoch (a release): older versions may leave the list.
  useEffect(() => void load(), [envelope.id, envelope.epoch]);

  const open = (id: string) =>
    action.run(async () => {
      if (session) setView(await session.historyVersion(envelope.id, id));
    }, 'That version could not be shown');

  const restore = (id: string) =>
    action.run(async () => {
      if (!session) return;
      await session.restoreVersion(envelope.id, id);
      setView(null);
      setVersions(await session.history(envelope.id));
    }, 'The version was not restored');

  return (
    <section className="history-panel" aria-label={`History of ${envelope.portion}`}>
      <header>
        <h3>History</h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {versions === null ? (
        <p className="muted">Loading…</p>
      ) : versions.length === 0 ? (
        <p className="muted">No versions are recorded for this item.</p>
      ) : (
        <ol className="history-versions">
          {versions.map((version) => (
            <li key={version.id} className={view?.version.id === version.id ? 'selected' : undefined}>
              <button type="button" className="link-button" onClick={() => open(version.id)} aria-label={`View version ${version.id}`}>
                <Dtg iso={version.at} />
              </button>{' '}
              <span className="history-actor" style={{ background: nationColour(version.actor.nation) }}>
                {actorText(version.actor)}
              </span>{' '}
              {CHANGES[version.change]}
              {version.change === 'edited' && <span className="muted"> (+{version.inserted} −{version.deleted} characters)</span>}
            </li>
          ))}
        </ol>
      )}
      {view && (
        <VersionText
          view={view}
          restorable={canEdit && view.version.epoch === envelope.epoch && view.version.id !== versions?.at(-1)?.id}
          onRestore={() => restore(view.version.id)}
          busy={action.busy}
        />
      )}
      <ErrorMessage message={action.error} />
    </section>
  );
}

function VersionText({ view, restorable, onRestore, busy }: { view: VersionView; restorable: boolean; onRestore: () => void; busy: boolean }) {
  const nations = [...new Set(view.actors.map((actor) => actor.nation))];
  return (
    <div className="history-version" aria-label={`Version ${view.version.id}`}>
      <p>
        Version of <Dtg iso={view.version.at} /> by {actorText(view.version.actor)}
      </p>
      <ul className="history-legend" aria-label="Who wrote what">
        {nations.map((nation) => (
          <li key={nation ?? 'none'}>
            <span className="history-swatch" style={{ background: nationColour(nation) }} /> {nation ? nationName(nation) : 'Release copy or unknown writer'}
            {': '}
            {view.actors
              .filter((actor) => actor.nation === nation)
              .map(actorText)
              .join(', ')}
          </li>
        ))}
      </ul>
      {view.texts
        .filter((text) => text.runs.length > 0)
        .map((text) => (
          <div key={text.name} className="history-text">
            <span className="muted">{TEXT_NAMES[text.name] ?? text.name}</span>
            <p>
              {text.runs.map((run, i) => {
                const actor = view.actors[run.by]!;
                return (
                  <span key={i} data-nation={actor.nation ?? ''} title={actorText(actor)} style={{ background: nationColour(actor.nation) }}>
                    {run.text}
                  </span>
                );
              })}
            </p>
          </div>
        ))}
      {restorable && (
        <button type="button" onClick={onRestore} disabled={busy}>
          Restore this version
        </button>
      )}
    </div>
  );
}
