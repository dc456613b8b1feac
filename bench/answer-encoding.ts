// `npm run bench -- answer-encoding`: the server's CPU time (process.cpuUsage) to put one doc:sync
// answer of a base64 socket, and one join answer, on the wire, socket.io's way (the budget's `weight` walk, then
// socket.io-parser's `hasBinary` walk and JSON.stringify) against the answer written as text
// (server/sessions/answerText.ts), both in this one process, alternately, so the machine's load
// falls on both alike. Each includes Buffer.byteLength of the packet, which engine.io does next.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Encoder, PacketType } from 'socket.io-parser';
import type { AckBodies } from '../shared/protocol';
import { weight } from '../server/handlers/connection';
import { AnswerEncoder, answerText } from '../server/sessions/answerText';

function cpuMs(work: () => void, times: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) work();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000 / times;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { docs: { type: 'string', default: '1000' }, bytes: { type: 'string', default: '1100' }, rounds: { type: 'string', default: '5' }, envelopes: { type: 'string', default: '5000' } } });
  const body: AckBodies['doc:sync'] = {
    docs: Array.from({ length: Number(values.docs) }, () => ({ id: randomUUID(), epoch: 0, update: randomBytes(Number(values.bytes)).toString('base64') })),
    missing: [],
  };
  // A join's answer in the cold-open cell: 5,000 envelopes (the same ones for every joiner).
  const joinBody: AckBodies['workspace:join'] = {
    level: 'USA|TS|',
    objects: Array.from({ length: Number(values.envelopes) }, (_, i) => ({
      id: randomUUID(),
      workspaceId: randomUUID(),
      kind: 'note' as const,
      marking: i % 2 ? 'SECRET//REL TO USA, AUS, CAN, GBR, NZL' : 'TOP SECRET//NOFORN',
      portion: i % 2 ? '(S//REL TO USA, AUS, CAN, GBR, NZL)' : '(TS//NF)',
      originator: 'USA',
      parentId: null,
      orderKey: `a${i.toString(36)}`,
      createdBy: 'usa-analyst',
      createdAt: new Date().toISOString(),
      epoch: 0,
    })),
    workspace: { id: randomUUID(), name: 'Cold open' } as unknown as AckBodies['workspace:join']['workspace'],
  };
  const plain = new Encoder();
  const text = new AnswerEncoder();
  let sink = 0;
  const socketIo = (answer: object) => () => {
    sink += weight(answer, true);
    sink += Buffer.byteLength(plain.encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [{ ok: true, ...answer }] })[0] as string);
  };
  const asText = (event: 'doc:sync' | 'workspace:join', answer: object) => () => {
    const written = answerText(event, answer)!;
    sink += written.chars;
    sink += Buffer.byteLength(text.encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [written] })[0] as string);
  };
  const ways = {
    [`doc:sync, ${values.docs} docs: socket.io (weight, hasBinary, JSON.stringify)`]: socketIo(body),
    [`doc:sync, ${values.docs} docs: written as text`]: asText('doc:sync', body),
    [`workspace:join, ${values.envelopes} envelopes: socket.io`]: socketIo(joinBody),
    [`workspace:join, ${values.envelopes} envelopes: written as text (envelopes' JSON kept)`]: asText('workspace:join', joinBody),
  };
  for (const work of Object.values(ways)) cpuMs(work, 10);
  const spent = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, work] of Object.entries(ways)) spent.get(name)!.push(cpuMs(work, 40));
  }
  console.log(`One answer: doc:sync of ${values.docs} docs of ${values.bytes} bytes (base64), workspace:join of ${values.envelopes} envelopes; CPU ms per answer, ${values.rounds} rounds alternating:\n`);
  console.log('| way | CPU ms per answer (rounds) | median |');
  console.log('| --- | --- | --- |');
  for (const [name, rounds] of spent) {
    const median = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
    console.log(`| ${name} | ${rounds.map((ms) => ms.toFixed(2)).join(', ')} | ${median.toFixed(2)} |`);
  }
  return sink > 0 ? 0 : 1;
}
