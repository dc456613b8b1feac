// `npm run bench -- answer-encoding`: the server's CPU time (process.cpuUsage) to put one doc:sync
// answer of a base64 socket on the wire, socket.io's way (the budget's `weight` walk, then
// socket.io-parser's `hasBinary` walk and JSON.stringify) against the answer written as text
// (server/sessions/answerText.ts), both in this one process, alternately, so the machine's load
// falls on both alike. Each includes Buffer.byteLength of the packet, which engine.io does next.
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Encoder, PacketType } from 'socket.io-parser';
import type { AckBodies } from '../shared/protocol';
import { weight } from '../server/handlers/connection';
import { AnswerEncoder, syncAnswerText } from '../server/sessions/answerText';

function cpuMs(work: () => void, times: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < times; i++) work();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000 / times;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { docs: { type: 'string', default: '1000' }, bytes: { type: 'string', default: '1100' }, rounds: { type: 'string', default: '5' } } });
  const body: AckBodies['doc:sync'] = {
    docs: Array.from({ length: Number(values.docs) }, () => ({ id: randomUUID(), epoch: 0, update: randomBytes(Number(values.bytes)).toString('base64') })),
    missing: [],
  };
  const plain = new Encoder();
  const text = new AnswerEncoder();
  let sink = 0;
  const ways = {
    'socket.io (weight, hasBinary, JSON.stringify)': () => {
      sink += weight(body, true);
      sink += Buffer.byteLength(plain.encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [{ ok: true, ...body }] })[0] as string);
    },
    'written as text (syncAnswerText)': () => {
      const answer = syncAnswerText(body)!;
      sink += answer.chars;
      sink += Buffer.byteLength(text.encode({ type: PacketType.ACK, nsp: '/', id: 7, data: [answer] })[0] as string);
    },
  };
  for (const work of Object.values(ways)) cpuMs(work, 10);
  const spent = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, work] of Object.entries(ways)) spent.get(name)!.push(cpuMs(work, 40));
  }
  console.log(`One doc:sync answer of ${values.docs} docs of ${values.bytes} bytes (base64), CPU ms per answer, ${values.rounds} rounds alternating:\n`);
  console.log('| way | CPU ms per answer (rounds) | median |');
  console.log('| --- | --- | --- |');
  for (const [name, rounds] of spent) {
    const median = [...rounds].sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!;
    console.log(`| ${name} | ${rounds.map((ms) => ms.toFixed(2)).join(', ')} | ${median.toFixed(2)} |`);
  }
  return sink > 0 ? 0 : 1;
}
