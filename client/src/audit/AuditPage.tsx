// The audit trail of a cell (FDOs and administrators): every change of who may see what, oldest
// first, limited by the server to entries about items you may see and to the detail you may see.
// More entries load on request.
import { paragraphName } from '../../../shared/paragraphName';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AUDIT_PAGE_MAX } from '../../../shared/rest';
import { fetchAudit, type AuditEntry } from '../session/api';
import { describeError } from '../session/errors';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { objectLabel, objectNamer } from '../workspace/objectLabel';
import { Dtg } from '../views/Dtg';
import { ACTION_LABELS, actorText, detailText } from './auditText';

export function AuditPage({ workspaceId }: { workspaceId: string }) {
  const { identity, byId, picture, openObject } = useWorkspace();
  const nameOf = useMemo(() => objectNamer(byId, picture), [byId, picture]);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await fetchAudit(identity.token, workspaceId, after);
        setEntries((held) => (after === null ? page.entries : [...held, ...page.entries]));
        setNext(page.next);
      } catch (failure) {
        setError(`The audit trail could not be loaded: ${describeError(failure)}`);
      } finally {
        setLoading(false);
      }
    },
    [identity.token, workspaceId],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <main className="report-page" aria-labelledby="audit-title">
      <div className="page-title">
        <h2 id="audit-title">Audit trail</h2>
        <button type="button" disabled={loading} onClick={() => void load(null)}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Append-only and hash-chained on the server. Only entries about items you may see are listed, with only the detail you may see. Times are date-time groups in UTC (Zulu), to the second; hover for your local time.
      </p>
      <ErrorMessage message={error} />
      {entries.length === 0 && !loading && !error && <p className="muted">No entries.</p>}
      {entries.length > 0 && (
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Item</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => {
              const object = entry.objectId ? byId.get(entry.objectId) : undefined;
              return (
                <tr key={entry.cursor} data-action={entry.action}>
                  <td>
                    <Dtg iso={entry.at} seconds />
                  </td>
                  <td>{actorText(entry)}</td>
                  <td>{ACTION_LABELS[entry.action] ?? entry.action}</td>
                  <td>
                    {object ? (
                      <button type="button" className="link-button" onClick={() => openObject(object.id)}>
                        {objectLabel(object, picture)}
                      </button>
                    ) : entry.objectId ? (
                      // The server shows entries only about items the reader may see; one gone since (deleted,
                      // or narrowed away) has no title to show: its stable name is the one its readers knew.
                      <span className="muted">{paragraphName(entry.objectId)}, no longer in your picture</span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="audit-detail">{detailText(entry.detail, nameOf, entry.people)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {loading && <p>Loading the audit trail…</p>}
      {!loading && !error && next !== null && (
        <button type="button" onClick={() => void load(next)}>
          Load newer entries (up to {AUDIT_PAGE_MAX})
        </button>
      )}
    </main>
  );
}
