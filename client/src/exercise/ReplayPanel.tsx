// EXCON's replay: pick an access level that took part, scrub the exercise's Zulu timeline (both
// clocks shown, each inject's release a mark to jump to), and see the cell as that level held it
// then. The server rebuilds the picture from the stored history and filters it as it did live; the
// client only draws what it is given.
import { useCallback, useEffect, useState } from 'react';
import type { ReplayObject, ReplayTimeline } from '../../../shared/protocol';
import { scenarioAtZulu } from '../../../shared/exercise/replayTime';
import { compareSiblings } from '../../../shared/siblings';
import type { Connection } from '../session/connection';
import { useAction } from '../workspace/useAction';
import { ErrorMessage } from '../views/ErrorMessage';
import { offsetText } from './exerciseClock';

interface Props {
  connection: Pick<Connection, 'request'>;
  workspaceId: string;
}

/** 'USA|TS|SI' → 'USA · TS · SI'. */
export function levelLabel(level: string): string {
  const [nation, clearance, compartments] = level.split('|');
  return `${nation} · ${clearance}${compartments ? ` · ${compartments}` : ''}`;
}

/** Top-level objects in sibling order, each followed by its children (a report's paragraphs), with their depth. */
export function replayOutline(objects: readonly ReplayObject[]): { object: ReplayObject; depth: number }[] {
  const children = new Map<string, ReplayObject[]>();
  const ids = new Set(objects.map((o) => o.envelope.id));
  for (const object of objects) {
    const parent = object.envelope.parentId !== null && ids.has(object.envelope.parentId) ? object.envelope.parentId : '';
    children.set(parent, [...(children.get(parent) ?? []), object]);
  }
  const out: { object: ReplayObject; depth: number }[] = [];
  const walk = (parent: string, depth: number) => {
    for (const object of [...(children.get(parent) ?? [])].sort((a, b) => compareSiblings(a.envelope, b.envelope))) {
      out.push({ object, depth });
      walk(object.envelope.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

const titleOf = (object: ReplayObject) => {
  const { title, name } = object.content.fields;
  return typeof title === 'string' ? title : typeof name === 'string' ? name : '';
};

export function ReplayPanel({ connection, workspaceId }: Props) {
  const action = useAction();
  const [timeline, setTimeline] = useState<ReplayTimeline | null>(null);
  const [level, setLevel] = useState('');
  const [atMs, setAtMs] = useState<number | null>(null);
  const [picture, setPicture] = useState<{ level: string; at: string; objects: ReplayObject[] } | null>(null);

  const loadTimeline = useCallback(async () => {
    const answer = await connection.request('exercise:replay', { workspaceId });
    setTimeline(answer.timeline);
    setLevel((current) => current || answer.timeline.levels[0] || '');
    setAtMs((current) => current ?? Date.parse(answer.timeline.to));
    return answer.timeline;
  }, [connection, workspaceId]);
  useEffect(() => {
    void action.run(loadTimeline, 'The replay timeline could not be read');
    // The exercise goes on while EXCON scrubs: new injects and clock changes join the timeline.
    const timer = setInterval(() => void loadTimeline().catch(() => undefined), 3000);
    return () => clearInterval(timer);
  }, [loadTimeline]);

  useEffect(() => {
    if (!level || atMs === null) return;
    void action.run(async () => {
      const answer = await connection.request('exercise:replay', { workspaceId, level, at: new Date(atMs).toISOString() });
      setPicture({ level: answer.level!, at: answer.at!, objects: answer.objects });
    }, 'The replay could not be built');
  }, [connection, workspaceId, level, atMs]);

  if (!timeline) return <ErrorMessage message={action.error} onDismiss={action.clearError} />;
  const from = Date.parse(timeline.from);
  const to = Date.parse(timeline.to);
  const at = atMs ?? to;
  return (
    <section className="excon-replay no-print" aria-label="Replay">
      <h2>Replay: what each level saw, when</h2>
      <ErrorMessage message={action.error} onDismiss={action.clearError} />
      <div className="excon-controls">
        <label>
          As level{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            {timeline.levels.map((l) => (
              <option key={l} value={l}>{levelLabel(l)}</option>
            ))}
          </select>
        </label>
        <label className="replay-scrubber">
          Moment{' '}
          <input type="range" min={from} max={to} step={1000} value={Math.min(Math.max(at, from), to)} onChange={(e) => setAtMs(Number(e.target.value))} />
        </label>
        <output data-testid="replay-moment">
          {offsetText(scenarioAtZulu(timeline.clock, at))} scenario · {new Date(at).toISOString().slice(11, 19)}Z
        </output>
        <button onClick={() => void action.run(async () => setAtMs(Date.parse((await loadTimeline()).to)), 'The replay timeline could not be read')} disabled={action.busy}>
          Now
        </button>
      </div>
      <div className="excon-controls" aria-label="Inject releases">
        {timeline.injects.map((inject) => (
          <button key={inject.injectId} onClick={() => setAtMs(Date.parse(inject.zulu))} title={`Released at ${inject.zulu}`}>
            {inject.injectId} {offsetText(inject.scenarioMs)}
          </button>
        ))}
      </div>
      {picture && (
        <div data-testid="replay-picture" aria-live="polite">
          <p>
            {levelLabel(picture.level)} held {picture.objects.length} object{picture.objects.length === 1 ? '' : 's'} at {picture.at}.
          </p>
          <ul className="replay-objects">
            {replayOutline(picture.objects).map(({ object, depth }) => (
              <li key={object.envelope.id} data-testid="replay-object" style={{ marginLeft: `${depth * 1.5}rem` }}>
                <span className="portion-mark">{object.envelope.portion}</span> <em>{object.envelope.kind}</em> <strong>{titleOf(object)}</strong>
                {object.content.body && <p>{object.content.body}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
