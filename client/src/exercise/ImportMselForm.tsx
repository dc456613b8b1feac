// EXCON's "Import MSEL (CSV)": the spreadsheet is first sent as a dry run, so EXCON sees either
// each fault the server found (by row and column, one per line) or what the import would do, and
// applies it only then. The server checks everything again on apply: the preview is a courtesy.
import { useState, type ChangeEvent } from 'react';
import { MSEL_CSV_MAX, type MselImportRow } from '../../../shared/protocol';
import type { Connection } from '../session/connection';
import { ServerError } from '../session/errors';
import { useAction } from '../workspace/useAction';
import { offsetText } from './exerciseClock';

interface Props {
  connection: Pick<Connection, 'request'>;
  workspaceId: string;
  onImported: () => void;
}

interface Preview {
  name: string;
  csv: string;
  injects: MselImportRow[];
}

/** '3 injects: 2 new, 1 changed' */
export function importSummary(injects: readonly MselImportRow[]): string {
  const added = injects.filter((row) => row.change === 'added').length;
  return `${injects.length} inject${injects.length === 1 ? '' : 's'}: ${added} new, ${injects.length - added} changed`;
}

export function ImportMselForm({ connection, workspaceId, onImported }: Props) {
  const action = useAction();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    setPreview(null);
    setDone(null);
    if (!file) return;
    void action.run(async () => {
      // The server refuses it the same way; this spares sending it.
      if (file.size > MSEL_CSV_MAX) throw new ServerError('bad_request', 'the file is larger than 1 MB.');
      const csv = await file.text();
      const { injects } = await connection.request('exercise:msel:import', { workspaceId, csv, dryRun: true });
      setPreview({ name: file.name, csv, injects });
    }, `${file.name} cannot be imported`);
  };

  const apply = (chosen: Preview) =>
    void action.run(async () => {
      const { injects } = await connection.request('exercise:msel:import', { workspaceId, csv: chosen.csv });
      setPreview(null);
      setDone(`Imported ${chosen.name}: ${importSummary(injects)}.`);
      onImported();
    }, `${chosen.name} was not imported`);

  const [headline, ...faults] = action.error?.split('\n') ?? [];
  return (
    <section className="excon-import-msel no-print" aria-label="Import MSEL">
      <label>
        Import MSEL (CSV) <input type="file" accept=".csv,text/csv" onChange={choose} disabled={action.busy} />
      </label>
      {action.error && (
        <div className="error-message" role="alert">
          <span>{headline}</span>
          {faults.length > 0 && (
            <ul>
              {faults.map((fault, i) => (
                <li key={i}>{fault}</li>
              ))}
            </ul>
          )}
          <button type="button" className="link-button" onClick={action.clearError}>Dismiss</button>
        </div>
      )}
      {preview && (
        <div className="excon-import-preview">
          <p>{preview.name}: {importSummary(preview.injects)}</p>
          <ul>
            {preview.injects.map((row) => (
              <li key={row.id}>
                {row.id} at {offsetText(row.at)}: {row.title} ({row.change === 'added' ? 'new' : 'changed'})
              </li>
            ))}
          </ul>
          <button onClick={() => apply(preview)} disabled={action.busy}>Apply</button>
          <button onClick={() => setPreview(null)} disabled={action.busy}>Discard</button>
        </div>
      )}
      {done && <p role="status">{done}</p>}
    </section>
  );
}
