// The socket's state in words, including why the server refused it.
import { useEffect, useState } from 'react';
import type { Connection } from '../session/connection';

type State = { kind: 'connecting' } | { kind: 'connected' } | { kind: 'lost'; reason: string };

export function ConnectionStatus({ connection }: { connection: Connection }) {
  const [state, setState] = useState<State>(connection.connected ? { kind: 'connected' } : { kind: 'connecting' });

  useEffect(() => {
    const socket = connection.socket;
    const onConnect = () => setState({ kind: 'connected' });
    const onDisconnect = (reason: string) =>
      setState({ kind: 'lost', reason: reason === 'io client disconnect' ? 'signed out' : 'connection lost, reconnecting' });
    const onError = (error: Error) => setState({ kind: 'lost', reason: `the server refused the connection: ${error.message}` });
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onError);
    if (socket.connected) onConnect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onError);
    };
  }, [connection]);

  const text =
    state.kind === 'connected' ? 'Connected' : state.kind === 'connecting' ? 'Connecting…' : `Offline: ${state.reason}`;
  return (
    <span className={`connection connection-${state.kind}`} role="status">
      {text}
    </span>
  );
}
