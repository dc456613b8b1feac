// An evaluator's page in an exercise cell: the replay (limited by the server to the levels their
// access covers) and their observations, linked to the injects whose release they may see.
import { useEffect, useState } from 'react';
import type { Connection } from '../session/connection';
import { ObservationsPanel } from './ObservationsPanel';
import { ReplayPanel } from './ReplayPanel';

interface Props {
  connection: Pick<Connection, 'request' | 'socket'>;
  workspaceId: string;
}

export function EvaluatorPage({ connection, workspaceId }: Props) {
  const [injectIds, setInjectIds] = useState<string[]>([]);
  // The injects to link to: those whose release they may see (the server's timeline for them). Without it, observations are general.
  useEffect(() => {
    void connection
      .request('exercise:replay', { workspaceId })
      .then(({ timeline }) => setInjectIds([...new Set(timeline.injects.map((mark) => mark.injectId))]))
      .catch(() => undefined);
  }, [connection, workspaceId]);
  return (
    <main className="excon-page" aria-label="Evaluation">
      <ObservationsPanel connection={connection} workspaceId={workspaceId} injectIds={injectIds} />
      <ReplayPanel connection={connection} workspaceId={workspaceId} />
    </main>
  );
}
