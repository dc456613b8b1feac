// EXCON's "Add inject" form: a new inject for the cell's MSEL (a blank exercise cell starts with
// none). The server checks it as a scenario file's inject and answers each fault in words, shown
// here; the form keeps what was typed until the inject is accepted.
import { useState, type FormEvent } from 'react';
import type { ClientInput, MselRow } from '../../../shared/protocol';
import { parseScenarioTime, SCENARIO_TIME_HINT } from '../../../shared/exercise/scenarioTime';
import type { Connection } from '../session/connection';
import { useAction } from '../workspace/useAction';
import { ErrorMessage } from '../views/ErrorMessage';

type PlannedInject = ClientInput<'exercise:inject:add'>['inject'];

const KINDS: { value: 'create' | 'message'; label: string }[] = [
  { value: 'create', label: 'An object in the cell' },
  { value: 'message', label: 'A message to role players' },
];
const OBJECT_KINDS = ['report', 'event', 'rfi', 'note', 'feature'] as const;

interface Props {
  connection: Pick<Connection, 'request'>;
  workspaceId: string;
  /** The nation an inject comes from unless EXCON names another (EXCON's own). */
  nation: string;
  onAdded: (row: MselRow) => void;
}

export function AddInjectForm({ connection, workspaceId, nation, onAdded }: Props) {
  const action = useAction();
  const blank = { at: '', author: nation, kind: 'create' as PlannedInject['kind'], objectKind: 'report' as (typeof OBJECT_KINDS)[number], marking: '', title: '', content: '' };
  const [form, setForm] = useState(blank);
  const set = <K extends keyof typeof blank>(key: K, value: (typeof blank)[K]) => setForm((current) => ({ ...current, [key]: value }));
  const timeOk = parseScenarioTime(form.at) !== undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const inject: PlannedInject = {
      at: form.at.trim(),
      author: form.author.trim().toUpperCase(),
      kind: form.kind,
      marking: form.marking.trim(),
      title: form.title.trim(),
      content: form.content,
      ...(form.kind === 'create' ? { objectKind: form.objectKind } : {}),
    };
    void action.run(async () => {
      const { inject: row } = await connection.request('exercise:inject:add', { workspaceId, inject });
      setForm(blank);
      onAdded(row);
    }, 'The inject was not added');
  };

  return (
    <form className="excon-add-inject no-print" aria-label="Add inject" onSubmit={submit}>
      <h3>Add inject</h3>
      <ErrorMessage message={action.error} onDismiss={action.clearError} />
      <label>
        At <input value={form.at} onChange={(e) => set('at', e.target.value)} placeholder="+00:15" size={8} title={SCENARIO_TIME_HINT} />
      </label>
      <label>
        From nation <input value={form.author} onChange={(e) => set('author', e.target.value)} size={4} maxLength={3} />
      </label>
      <label>
        Kind{' '}
        <select value={form.kind} onChange={(e) => set('kind', e.target.value as PlannedInject['kind'])}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>{k.label}</option>
          ))}
        </select>
      </label>
      {form.kind === 'create' && (
        <label>
          Object{' '}
          <select value={form.objectKind} onChange={(e) => set('objectKind', e.target.value as (typeof OBJECT_KINDS)[number])}>
            {OBJECT_KINDS.map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
        </label>
      )}
      <label>
        Marking <input value={form.marking} onChange={(e) => set('marking', e.target.value)} placeholder="SECRET//REL TO USA, GBR" size={28} />
      </label>
      <label>
        Title <input value={form.title} onChange={(e) => set('title', e.target.value)} size={30} />
      </label>
      <label>
        Content <textarea value={form.content} onChange={(e) => set('content', e.target.value)} rows={3} cols={50} />
      </label>
      <button type="submit" disabled={action.busy || !timeOk || form.marking.trim() === '' || form.title.trim() === ''}>
        Add inject
      </button>
    </form>
  );
}
