// A base64 socket's doc:sync answer is written as JSON text by the server and sent by socket.io as
// it is: the packet must be byte for byte what socket.io's own encoder writes for the same answer,
// and the encoder must not walk the answer (hasBinary, JSON.stringify), which is what it saves.
import { randomBytes } from 'node:crypto';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AckBodies } from '../../shared/protocol';
import { AnswerEncoder, AnswerText, answerText, listingAnswerText, syncAnswerText } from '../../server/sessions/answerText';
import { envelope } from '../helpers/envelopes';
import { startTestServer, tempDir } from '../helpers/server';

afterEach(() => vi.restoreAllMocks());

function syncAnswer(count: number): AckBodies['doc:sync'] {
  return {
    docs: Array.from({ length: count }, (_, i) => ({ id: `obj-${i}_x`, epoch: i % 3, update: randomBytes(200 + i).toString('base64'), ...(i % 2 === 0 ? { seq: i } : {}) })),
    missing: ['gone-1', 'gone-2'],
  };
}

const ack = (data: unknown, nsp = '/', id = 42): Packet => ({ type: PacketType.ACK, nsp, id, data: [data] });

describe('a doc:sync answer written as text', () => {
  test('is the packet socket.io writes for the same answer, in any namespace, with or without unavailable objects', () => {
    const plain = syncAnswer(50);
    const withUnavailable = { ...plain, unavailable: [{ id: 'bad-1', error: { code: 'unavailable' as const, message: 'The server cannot read "this" item.' } }] };
    for (const body of [plain, withUnavailable, { docs: [], missing: [] }]) {
      for (const nsp of ['/', '/other']) {
        const text = syncAnswerText(body)!;
        expect(new AnswerEncoder().encode(ack(text, nsp))).toEqual(new Encoder().encode(ack({ ok: true, ...body }, nsp)));
        expect(text.chars).toBe(JSON.stringify({ ok: true, ...body }).length);
      }
    }
  });

  test('is sent without socket.io looking into it; another encoder still sends it right', () => {
    const body = syncAnswer(20);
    const toJSON = vi.spyOn(AnswerText.prototype, 'toJSON');
    const [packet] = new AnswerEncoder().encode(ack(syncAnswerText(body)));
    expect(toJSON).not.toHaveBeenCalled();
    // Read back by socket.io's decoder, as a client would.
    const decoded = new Promise<Packet>((resolve) => {
      const decoder = new Decoder();
      decoder.on('decoded', resolve);
      decoder.add(packet as string);
    });
    return decoded.then((read) => {
      expect(read.data).toEqual([{ ok: true, ...body }]);
      // socket.io's own encoder (a server without the option) walks it through toJSON: same packet.
      expect(new Encoder().encode(ack(syncAnswerText(body)))).toEqual([packet]);
      expect(toJSON).toHaveBeenCalled();
    });
  });

  test('is not made for a binary socket: its bytes go as attachments', () => {
    expect(syncAnswerText({ docs: [{ id: 'a', epoch: 0, update: new Uint8Array([0, 0]) }], missing: [] })).toBeUndefined();
    const [head, attachment] = new AnswerEncoder().encode(ack({ ok: true, docs: [{ id: 'a', epoch: 0, update: new Uint8Array([0, 0]) }], missing: [] }));
    expect(head).toMatch(/^61-42\[/);
    expect(attachment).toEqual(new Uint8Array([0, 0]));
  });

  test('a join or a page of envelopes is the packet socket.io writes, each envelope written once for every joiner', () => {
    const objects = Array.from({ length: 30 }, (_, i) => ({ ...envelope(`obj-${i}`, 'SECRET//REL TO USA, GBR'), createdBy: i === 3 ? 'a "quoted" \\ name' : 'usa-analyst' }));
    const workspace = { id: 'ws1', name: 'Cell "one"' };
    const bodies = [
      { level: 'USA|S|', objects, workspace },
      { level: 'USA|S|', objects, workspace, next: 'abc_DEF-123' },
      { objects: objects.slice(5), next: 'xyz' },
      { objects: [] },
    ];
    for (const body of bodies) {
      expect(new AnswerEncoder().encode(ack(listingAnswerText(body as never)))).toEqual(new Encoder().encode(ack({ ok: true, ...body })));
    }
    const stringify = vi.spyOn(JSON, 'stringify');
    answerText('workspace:join', { level: 'USA|S|', objects, workspace });
    answerText('workspace:objects', { objects });
    // The level and the cell, each answer; no envelope again.
    expect(stringify.mock.calls.map(([value]) => value)).toEqual(['USA|S|', workspace]);
  });

  test('the server answers with this encoder', async () => {
    const server = await startTestServer({ dataDir: tempDir() });
    try {
      expect((server.ctx.io as unknown as { encoder: unknown }).encoder).toBeInstanceOf(AnswerEncoder);
    } finally {
      await server.close();
    }
  });
});
