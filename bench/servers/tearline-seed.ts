// The benchmarked Tearline server's seeding door: a listener of the bench child only (never part of
// `tearline serve`), through which a scenario loads its cell in batches, each batch of objects
// stored in one transaction (one fsync) by the same path `object:create` and releases take
// (planObject, then createObjects: stored, indexed, audited, announced). Through `object:create`
// a 50,000-object cell took one fsync per object, and the 50k cold-open scenario never finished
// seeding. What is measured (the cold open, memory per object) is what the cell holds, not how it
// was loaded; the baselines load theirs through their own protocols.
//
// POST / {"token", "workspaceId", "objects": [{"kind", "marking", "content" (base64)}]} → 204
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesOf, type ObjectKind } from '../../shared/protocol';
import type { RunningServer } from '../../server/app';
import { creation } from '../../server/handlers/objects';
import { createObjects, planObject } from '../../server/objects/create';
import { appendedOrderKey } from '../../server/objects/orderKeys';
import { participantOf } from '../../server/sessions/identity';
import { auditActor } from '../../server/sessions/session';

export interface SeedBatch {
  /** A dev token of the author (who creates the objects, as with object:create). */
  token: string;
  workspaceId: string;
  objects: { kind: ObjectKind; marking: string; content: string }[];
}

async function seedBatch({ ctx }: RunningServer, batch: SeedBatch): Promise<void> {
  const identity = await ctx.verify(batch.token);
  const author = { sub: identity.sub, participant: participantOf(identity).participant };
  const cell = await ctx.cells.get(batch.workspaceId);
  if (!cell) throw new Error(`no cell ${batch.workspaceId}`);
  // Each after the one before, as objects created one by one are: the batch is indexed only once stored.
  let orderKey = cell.index.lastVisibleOrderKey(author.participant, null);
  const planned = batch.objects.map((object) => {
    orderKey = appendedOrderKey(orderKey);
    return planObject(cell, author, { workspaceId: batch.workspaceId, kind: object.kind, marking: object.marking, content: bytesOf(object.content), orderKey });
  });
  await createObjects(creation(ctx), cell, auditActor({ identity }), planned);
}

/** Starts the seeding listener on a free local port; answers its URL. */
export async function seedListener(server: RunningServer): Promise<string> {
  const listener = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seedBatch(server, JSON.parse(Buffer.concat(chunks).toString('utf8')) as SeedBatch).then(
        () => response.writeHead(204).end(),
        (error: unknown) => response.writeHead(500).end(String((error as Error).stack ?? error)),
      );
    });
  });
  listener.unref();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listener.address() as AddressInfo).port}/`;
}
