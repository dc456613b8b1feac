// The cells this participant belongs to, and "Spin up a cell".
import { useEffect, useState } from 'react';
import type { WorkspaceSummary } from '../../../shared/protocol';
import { listWorkspaces } from '../session/api';
import { describeError } from '../session/errors';
import type { Identity } from '../session/identity';
import { Dtg } from './Dtg';
import { workspaceHref } from '../useHashRoute';
import { ErrorMessage } from './ErrorMessage';
import { SpinUpCell } from './SpinUpCell';

export function WorkspaceList({ identity }: { identity: Identity }) {
  const [workspaces, setWorkspaces] = useState<WorkspaceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    let live = true;
    listWorkspaces(identity.token).then(
      (list) => live && setWorkspaces(list),
      (failure: unknown) => live && setError(`Could not list your workspaces: ${describeError(failure)}`),
    );
    return () => {
      live = false;
    };
  }, [identity.token]);

  const created = (workspace: WorkspaceSummary) => {
    window.location.hash = workspaceHref(workspace.id);
  };

  return (
    <main className="workspace-list" aria-labelledby="workspaces-title">
      <div className="page-title">
        <h1 id="workspaces-title">Workspaces</h1>
        {!creating && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            Spin up a cell
          </button>
        )}
      </div>
      {creating && <SpinUpCell identity={identity} onCreated={created} onCancel={() => setCreating(false)} />}
      <ErrorMessage message={error} />
      {workspaces === null && !error && <p>Loading workspaces…</p>}
      {workspaces?.length === 0 && <p className="muted">You are not a member of any cell yet. Spin one up.</p>}
      {workspaces && workspaces.length > 0 && (
        <table className="workspace-table">
          <thead>
            <tr>
              <th scope="col">Cell</th>
              <th scope="col">Members</th>
              <th scope="col">Default marking</th>
              <th scope="col">System high</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {workspaces.map((workspace) => (
              <tr key={workspace.id}>
                <td>
                  <a href={workspaceHref(workspace.id)}>{workspace.name}</a>
                  {workspace.exercise && <span className="exercise-tag">EXERCISE</span>}
                </td>
                <td>{workspace.members.join(', ')}</td>
                <td>{workspace.defaultMarking}</td>
                <td>{workspace.systemHigh}</td>
                <td>
                  <Dtg iso={workspace.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
