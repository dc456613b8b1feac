// The socket's state in words, including why the server refused it.
import { useEffect, useState } from 'react';
import type { Connection } from '../session/connection';
import { connectErrorText } from '../session/errors';

type State =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'lost'; reason: string }
  | { kind: 'ended'; reason: string };

export function ConnectionStatus({ connection }: { connection: Connection }) {
  const [state, setState] = useState<State>(connection.connected ? { kind: 'connected' } : { kind: 'connecting' });

  useEffect(() => {
    const socket = connection.socket;
    const onConnect = () => setState({ kind: 'connected' });
    const onDisconnect = (reason: string) =>
      setState((current) =>
        // What ended the session (set just before) says more than that the connection dropped.
        current.kind === 'ended' || current.kind === 'lost'
          ? current
          : { kind: 'lost', reason: reason === 'io client disconnect' ? 'signed out' : 'connection lost, reconnecting' },
      );
    // The server closes the session. For an expired token or a removal from the cell it does not
    // come back by itself; after falling behind (`rate_limited`) the connection reconnects.
    const onEnded = (body: { code: string; message: string }) =>
      setState(body.code === 'rate_limited' ? { kind: 'lost', reason: `${body.message} Reconnecting…` } : { kind: 'ended', reason: body.message });
    const onError = (error: Error) => setState({ kind: 'lost', reason: connectErrorText(error) });
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    socket.on('session:ended', onEnded);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
      socket.off('session:ended', onEnded);
    };
  }, [connection]);

  const text =
    state.kind === 'connected'
      ? 'Connected'
      : state.kind === 'connecting'
        ? 'Connecting…'
        : state.kind === 'ended'
          ? `Session ended: ${state.reason} Sign out and sign in again.`
          : `Offline: ${state.reason}`;
  return (
    <span className={`connection connection-${state.kind === 'ended' ? 'lost' : state.kind}`} role="status">
      {text}
    </span>
  );
}
