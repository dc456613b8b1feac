// A socket.io adapter whose room broadcasts write the WebSocket frame, encoded once, straight to
// each client's TCP socket. socket.io already encodes a broadcast once, but then hands it to
// every socket through engine.io (a packet object, its write buffer, flush and drain events, a
// write callback per socket): 40 % more CPU per frame than the write itself
// (`npm run bench -- frames`), and frames are what fan-out costs. A socket takes the direct path
// only when nothing can be reordered: a WebSocket transport, open, not upgrading, engine.io
// holding no packet of its own, no compression. Any other socket, and any packet with binary
// attachments (several frames), goes through engine.io as before.
import { Adapter } from 'socket.io-adapter';
import { admitOutput } from '../sessions/outputBound';

/** What is read of engine.io's socket, its WebSocket transport, and the `ws` socket under it. */
interface EngineConnection {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: {
    name: string;
    perMessageDeflate?: unknown;
    socket?: { readyState: number; _socket?: { write(chunk: Buffer): boolean; destroyed: boolean } };
  };
}

interface BroadcastSocket {
  conn: EngineConnection;
  client: { writeToEngine(packets: unknown[], options: unknown): void };
  notifyOutgoingListeners?: (packet: unknown) => void;
}

type BroadcastOptions = Parameters<Adapter['broadcast']>[1];
interface EncodeOptions {
  preEncoded: true;
  volatile?: boolean;
  compress?: boolean;
  /** Set by socket.io-adapter only for a packet that is one text frame: [header, payload]. */
  wsPreEncodedFrame?: Buffer[];
}
/** The in-memory adapter's own steps, private in its typings, that every broadcast goes through. */
interface AdapterInternals {
  _encode(packet: unknown, options: EncodeOptions): unknown[];
  apply(opts: BroadcastOptions, callback: (socket: unknown) => void): void;
}

const WS_OPEN = 1;

/** Counts per path, for the metrics endpoint and the tests. */
export const directFrameCounts = { direct: 0, engine: 0 };

/** Writes the frame to the socket's TCP stream if no engine.io packet could be overtaken. */
function writeDirect(socket: BroadcastSocket, frame: Buffer): boolean {
  const conn = socket.conn;
  const transport = conn.transport;
  const tcp = transport.socket?._socket;
  if (
    conn.readyState !== 'open' ||
    conn.upgrading ||
    conn.writeBuffer.length > 0 ||
    transport.name !== 'websocket' ||
    transport.perMessageDeflate ||
    transport.socket?.readyState !== WS_OPEN ||
    !tcp ||
    tcp.destroyed
  ) {
    return false;
  }
  tcp.write(frame);
  return true;
}

/**
 * The in-memory adapter (one node) with direct frames. The Redis adapter's broadcast publishes,
 * then delivers locally through the in-memory one; scale-out needs this hook there too.
 */
export class DirectFrameAdapter extends Adapter {
  override broadcast(packet: { nsp?: string }, opts: BroadcastOptions): void {
    const flags = opts.flags ?? {};
    const packetOptions: EncodeOptions = { preEncoded: true, volatile: flags.volatile, compress: flags.compress };
    packet.nsp = this.nsp.name;
    const internals = this as unknown as AdapterInternals;
    const encoded = internals._encode(packet, packetOptions);
    const frame = packetOptions.wsPreEncodedFrame ? Buffer.concat(packetOptions.wsPreEncodedFrame) : null;
    internals.apply(opts, (target) => {
      const socket = target as unknown as BroadcastSocket;
      // A socket past its pending-output bound is being ended (server/sessions/outputBound.ts).
      if (!admitOutput(socket.conn)) return;
      socket.notifyOutgoingListeners?.(packet);
      if (frame && writeDirect(socket, frame)) {
        directFrameCounts.direct++;
        return;
      }
      directFrameCounts.engine++;
      socket.client.writeToEngine(encoded, packetOptions);
    });
  }
}
