// The benchmark's bookkeeping: edit markers survive Yjs encoding and server-side merging, the
// latency histogram answers percentiles, and the ledger tells deliveries from echoes and strays.
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { LatencyHistogram } from '../../bench/histogram';
import { EditLedger, PHASE } from '../../bench/ledger';
import { markerText, scanMarkers } from '../../bench/markers';

function found(bytes: Uint8Array): [number, number][] {
  const edits: [number, number][] = [];
  scanMarkers(bytes, (writer, seq) => edits.push([writer, seq]));
  return edits;
}

describe('edit markers', () => {
  test('are read back from a Yjs update without decoding it', () => {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    doc.getText('body').insert(0, `typing ${markerText(7, 42)} more`);
    expect(found(updates[0]!)).toEqual([[7, 42]]);
  });

  test('survive merging, so a coalesced message reports every edit it carries', () => {
    const docs = [new Y.Doc(), new Y.Doc()];
    const updates: Uint8Array[] = [];
    docs.forEach((doc, writer) => {
      doc.on('update', (update: Uint8Array) => updates.push(update));
      const text = doc.getText('body');
      for (let seq = 0; seq < 3; seq++) text.insert(text.length, markerText(writer, seq));
    });
    const edits = found(Y.mergeUpdates(updates));
    expect(edits.sort()).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  });

  test('ignore look-alikes that are not complete markers', () => {
    const bytes = Buffer.from(`~TL ~TL1. ~TL1.2 ~TLx.1; ~TL12.345;~TL3.4;`, 'latin1');
    expect(found(bytes)).toEqual([[12, 345], [3, 4]]);
  });
});

describe('latency histogram', () => {
  test('answers percentiles within its 20 µs resolution', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.record(ms);
    expect(histogram.count).toBe(100);
    expect(histogram.percentile(50)).toBeCloseTo(50, 1);
    expect(histogram.percentile(99)).toBeCloseTo(99, 1);
    expect(histogram.percentile(100)).toBe(100);
    expect(histogram.max).toBe(100);
  });

  test('has no percentile without samples', () => {
    expect(new LatencyHistogram().percentile(99)).toBeNaN();
  });
});

describe('edit ledger', () => {
  test('counts measured deliveries, not echoes, warm-up traffic or unknown edits', () => {
    // Writer 0 is client 10, writer 1 is client 11.
    const ledger = new EditLedger([10, 11]);
    ledger.recordSend(0, 0, 100, PHASE.warmup, 2);
    ledger.recordSend(0, 1, 200, PHASE.measured, 2);
    ledger.recordSend(1, 0, 300, PHASE.measured, 2);

    ledger.recordReceipt(11, false, 0, 0, 150); // warm-up: ignored
    ledger.recordReceipt(11, false, 0, 1, 205);
    ledger.recordReceipt(12, true, 0, 1, 210);
    ledger.recordReceipt(10, false, 0, 1, 206); // writer 0's own edit coming back
    ledger.recordReceipt(12, true, 1, 0, 330);
    ledger.recordReceipt(12, true, 5, 9, 400); // never sent
    expect(ledger.drained).toBe(false);
    ledger.recordReceipt(10, false, 1, 0, 340);

    expect(ledger.snapshot()).toEqual({
      editsSent: 2,
      expectedDeliveries: 4,
      deliveries: 4,
      lightDeliveries: 2,
      echoes: 1,
      strays: 1,
    });
    expect(ledger.drained).toBe(true);
    expect(ledger.latency.max).toBe(40);
    expect(ledger.latency.percentile(50)).toBeCloseTo(10, 1);
  });
});
