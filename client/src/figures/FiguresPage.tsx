// The "Sharing figures" page of a cell: fetched on open and on request, over what you may see.
// The charts (recharts) load with the page, in their own chunk: most sessions never open it.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { fetchFigures, type SharingFigures } from '../session/api';
import { describeError } from '../session/errors';
import { Dtg } from '../views/Dtg';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';

const FiguresDashboard = lazy(() => import('./FiguresDashboard').then((module) => ({ default: module.FiguresDashboard })));

export function FiguresPage({ workspaceId }: { workspaceId: string }) {
  const { identity } = useWorkspace();
  const [figures, setFigures] = useState<SharingFigures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadedAt, setLoadedAt] = useState<Date | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setFigures(await fetchFigures(identity.token, workspaceId));
      setLoadedAt(new Date());
    } catch (failure) {
      setError(`The figures could not be loaded: ${describeError(failure)}`);
    }
  }, [identity.token, workspaceId]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="report-page" aria-labelledby="figures-title">
      <div className="page-title">
        <h2 id="figures-title">Sharing figures</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p className="muted">
        How much of this cell’s picture each partner may see, and how releases go.
        {loadedAt && (
          <>
            {' '}
            As of <Dtg iso={loadedAt.toISOString()} seconds />.
          </>
        )}
      </p>
      <ErrorMessage message={error} />
      {!figures && !error && <p>Loading the figures…</p>}
      {figures && (
        <Suspense fallback={<p>Loading the charts…</p>}>
          <FiguresDashboard figures={figures} />
        </Suspense>
      )}
    </main>
  );
}
