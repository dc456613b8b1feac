// A light socket.io client for Tearline's receivers: a bare `ws` speaking just enough of the
// engine.io v4 / socket.io v5 wire format (default parser) to authenticate, emit with an ack and
// answer pings. Incoming events are never parsed: every frame goes to the frame handler as is,
// so a receiver costs the generator a WebSocket read and a byte scan, as in the baselines.
//
//   engine.io:  0{open}  2 ping  3 pong  4<socket.io packet>   (binary frames travel as they are)
//   socket.io:  0 connect[{auth}]  2 event  3 ack  4 connect error  5 binary event
//               e.g. `42` + ackId + `["workspace:join",{…}]`, answered by `43` + ackId + `[{…}]`
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { FrameHandler } from './frames';

const OPEN = 0x30;
const PING = 0x32;
const MESSAGE = 0x34;
const SIO_CONNECT = 0x30;
const SIO_ACK = 0x33;
const SIO_CONNECT_ERROR = 0x34;
const TIMEOUT_MS = 15_000;

export class LightSocketIo {
  private nextAckId = 0;
  private readonly acks = new Map<number, (body: unknown) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly tcp: Socket,
  ) {}

  static async connect(baseUrl: string, auth: Record<string, unknown>, onFrame: FrameHandler): Promise<LightSocketIo> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    let tcp: Socket | undefined;
    ws.once('upgrade', (response) => (tcp = response.socket));
    let client: LightSocketIo | undefined;
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Tearline did not accept the socket.io connection in time.')), TIMEOUT_MS);
      ws.once('error', reject);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        onFrame(data, performance.now());
        if (isBinary) return;
        if (data[0] === PING && data.length === 1) ws.send('3');
        else if (data[0] === OPEN) ws.send(`40${JSON.stringify(auth)}`);
        else if (data[0] === MESSAGE && data[1] === SIO_CONNECT) {
          clearTimeout(timer);
          resolve();
        } else if (data[0] === MESSAGE && data[1] === SIO_CONNECT_ERROR) {
          clearTimeout(timer);
          reject(new Error(`Tearline refused the socket.io connection: ${data.subarray(2).toString()}`));
        } else if (data[0] === MESSAGE && data[1] === SIO_ACK) client?.settleAck(data.toString('utf8', 2));
      });
    });
    await connected;
    client = new LightSocketIo(ws, tcp!);
    return client;
  }

  /** As socket.io-client's: `timeout(ms).emitWithAck(…)`, so shared/request.ts serves this client too. */
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> } {
    return { emitWithAck: (event, payload) => this.emitWithAck(event, payload, ms) };
  }

  /** Emits a JSON-only event and resolves with the first argument of its ack. */
  private emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.nextAckId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        reject(new Error(`Tearline did not answer ${event} within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.acks.set(id, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  bytesRead(): number {
    return this.tcp.bytesRead;
  }

  close(): void {
    this.ws.terminate();
  }

  /** `text` is an ack without its `43` prefix: the ack id, then the JSON array of its arguments. */
  private settleAck(text: string): void {
    const match = /^(\d+)(.*)$/s.exec(text);
    if (!match) return;
    const id = Number(match[1]);
    const settle = this.acks.get(id);
    if (!settle) return;
    this.acks.delete(id);
    settle((JSON.parse(match[2]!) as unknown[])[0]);
  }
}
