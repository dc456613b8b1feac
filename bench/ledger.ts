// The edit ledger: when each edit was sent and who received it, on the load generator's one clock.
// Writers and receivers live in the same process, so edit→receive latency needs no clock sync.
import { LatencyHistogram } from './histogram';

/** What a receipt counts towards: the measured window, or warm-up traffic that is ignored. */
export const PHASE = { warmup: 0, measured: 1 } as const;
export type Phase = (typeof PHASE)[keyof typeof PHASE];

interface SentEdit {
  at: number;
  phase: Phase;
  /** How many clients other than the writer should receive it. */
  audience: number;
}

export interface LedgerTotals {
  editsSent: number;
  expectedDeliveries: number;
  deliveries: number;
  /** Deliveries that reached a light receiver: the denominator for wire bytes and frames. */
  lightDeliveries: number;
  /** Copies of an edit sent back to its own writer (y-websocket and Hocuspocus echo). */
  echoes: number;
  /** Markers for edits the ledger never sent: a sign of a broken relay. */
  strays: number;
}

export class EditLedger {
  readonly latency = new LatencyHistogram();
  private readonly sent: SentEdit[][] = [];
  private totals: LedgerTotals = emptyTotals();

  /** `writerClient` is the client id of writer `writer`, to tell echoes from deliveries. */
  constructor(private readonly writerClients: readonly number[]) {
    for (let i = 0; i < writerClients.length; i++) this.sent.push([]);
  }

  recordSend(writer: number, seq: number, at: number, phase: Phase, audience: number): void {
    this.sent[writer]![seq] = { at, phase, audience };
    if (phase === PHASE.measured) {
      this.totals.editsSent++;
      this.totals.expectedDeliveries += audience;
    }
  }

  recordReceipt(client: number, light: boolean, writer: number, seq: number, at: number): void {
    const edit = this.sent[writer]?.[seq];
    if (!edit) {
      this.totals.strays++;
      return;
    }
    if (edit.phase !== PHASE.measured) return;
    if (this.writerClients[writer] === client) {
      this.totals.echoes++;
      return;
    }
    this.totals.deliveries++;
    if (light) this.totals.lightDeliveries++;
    this.latency.record(at - edit.at);
  }

  snapshot(): LedgerTotals {
    return { ...this.totals };
  }

  /** True once every measured edit has reached its whole audience. */
  get drained(): boolean {
    return this.totals.deliveries >= this.totals.expectedDeliveries;
  }
}

function emptyTotals(): LedgerTotals {
  return { editsSent: 0, expectedDeliveries: 0, deliveries: 0, lightDeliveries: 0, echoes: 0, strays: 0 };
}
