// Answers written as JSON text by Tearline, not by socket.io: `doc:sync` on base64 sockets, and
// the envelope listings of `workspace:join` and `workspace:objects`. A `doc:sync` answer on a base64
// socket is up to 1,000 base64 strings of about a kilobyte each: socket.io's encoder walks it for
// binary attachments (`hasBinary`, every key of every doc) and then JSON.stringify scans every
// character of every string for escapes, though base64 never needs one; then the budget's
// `weight` walks it again. The cold-open profile (docs/performance.md, round 5) put that at a
// quarter of the server's time. Here the answer is written by concatenation (base64 as it is,
// the rest through JSON.stringify) and its length is its weight.
//
// socket.io is given an encoder (`AnswerEncoder`, the `parser` option) that sends such a text as
// the ack's data without looking into it; the packet is byte for byte what socket.io would write
// for the same answer. An `AnswerText` that reaches any other encoder is still sent right: its
// toJSON gives the answer back as data, only slower.
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import type { AckBodies, ClientEvent, Envelope } from '../../shared/protocol';

/** An answer's JSON text (`{ "ok": true, ... }`), ready to be an ack's data. */
export class AnswerText {
  constructor(readonly json: string) {}

  /** Characters on the wire, as `weight` counts an answer's size. */
  get chars(): number {
    return this.json.length;
  }

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/**
 * The text of a `doc:sync` answer whose updates are base64 text (a base64 socket's), or undefined
 * when one is not (a binary socket's: socket.io sends its bytes as attachments, as before).
 */
export function syncAnswerText(body: AckBodies['doc:sync']): AnswerText | undefined {
  // One string grown piece by piece (V8 keeps it as a rope and copies it once, when it is sent):
  // about half the CPU of an array joined, and under half of JSON.stringify (bench answer-encoding).
  let json = '{"ok":true,"docs":[';
  for (let i = 0; i < body.docs.length; i++) {
    const { id, epoch, update, seq } = body.docs[i]!;
    if (typeof update !== 'string') return undefined;
    // The update is the server's own base64 (Buffer#toString) and an id is checked at the door
    // (letters, digits, _ and -): neither needs escaping. The epoch and the number are integers.
    json += `${i === 0 ? '' : ','}{"id":${PLAIN.test(id) ? `"${id}"` : JSON.stringify(id)},"epoch":${epoch},"update":"${update}"${seq === undefined ? '' : `,"seq":${seq}`}}`;
  }
  json += `],"missing":${JSON.stringify(body.missing)}`;
  if (body.unavailable !== undefined) json += `,"unavailable":${JSON.stringify(body.unavailable)}`;
  return new AnswerText(`${json}}`);
}

/** Text JSON writes as it is between quotes. */
const PLAIN = /^[A-Za-z0-9_-]*$/;

/**
 * Each envelope's JSON, made the first time it is sent and kept while the envelope lives: an
 * envelope is never changed in place (a change puts a new one in the index), and every joiner who
 * may see it is sent the same one (envelopeFor answers the stored envelope unless it drops a
 * tearline's source for this reader, and then a new object, written afresh).
 */
const envelopeJson = new WeakMap<Envelope, string>();

function jsonOf(envelope: Envelope): string {
  let json = envelopeJson.get(envelope);
  if (json === undefined) {
    json = JSON.stringify(envelope);
    envelopeJson.set(envelope, json);
  }
  return json;
}

/**
 * The text of a `workspace:join` or `workspace:objects` answer (its fields in the order a spread
 * body would have them): thousands of envelopes in a large cell, the same ones for every joiner
 * who may see them, so each is written once (`jsonOf`) and joins copy it.
 */
export function listingAnswerText(body: AckBodies['workspace:join'] | AckBodies['workspace:objects']): AnswerText {
  let json = '{"ok":true';
  if ('level' in body) json += `,"level":${JSON.stringify(body.level)}`;
  json += ',"objects":[';
  for (let i = 0; i < body.objects.length; i++) json += (i === 0 ? '' : ',') + jsonOf(body.objects[i]!);
  json += ']';
  if ('workspace' in body) json += `,"workspace":${JSON.stringify(body.workspace)}`;
  if (body.seqs !== undefined) json += `,"seqs":${JSON.stringify(body.seqs)}`;
  if (body.next !== undefined) json += `,"next":${JSON.stringify(body.next)}`;
  return new AnswerText(`${json}}`);
}

/** The text of an answer the server writes itself, or undefined for one socket.io writes (../handlers/connection.ts). */
export function answerText(event: ClientEvent, body: object): AnswerText | undefined {
  switch (event) {
    case 'doc:sync':
      return syncAnswerText(body as AckBodies['doc:sync']);
    case 'workspace:join':
    case 'workspace:objects':
      return listingAnswerText(body as AckBodies['workspace:join']);
    default:
      return undefined;
  }
}

/** socket.io-parser's encoder, with an ack whose one argument is an AnswerText written as that text. */
export class AnswerEncoder extends Encoder {
  override encode(packet: Packet): ReturnType<Encoder['encode']> {
    const data: unknown = packet.data;
    if (packet.type === PacketType.ACK && Array.isArray(data) && data.length === 1 && data[0] instanceof AnswerText) {
      // The head as socket.io-parser's encodeAsString writes it: type, namespace unless "/", id.
      const nsp = packet.nsp && packet.nsp !== '/' ? `${packet.nsp},` : '';
      return [`${PacketType.ACK}${nsp}${packet.id ?? ''}[${data[0].json}]`];
    }
    return super.encode(packet);
  }
}

/** The `parser` option for socket.io's Server: its own decoder, this encoder. */
export const answerParser = { Encoder: AnswerEncoder, Decoder };
