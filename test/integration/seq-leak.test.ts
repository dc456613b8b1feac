// Sequence numbers tell a partner nothing it may not know (docs/protocol.md, "Sequence numbers"):
// neither how often objects it cannot see were edited, nor how often an object was edited before
// the release that showed it to them. Property: two cells run the same script of what GBR may see
// (edits of a shared note by USA and GBR, a NOFORN note released to GBR, edits after that); one
// of them also has USA edit a NOFORN note GBR never sees, and the released note before its
// release. Every number GBR is given (join answer, sync answers, frames, acks of its own edits),
// with object ids replaced by their role, is the same in both cells.
import fc from 'fast-check';
import * as Y from 'yjs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningServer } from '../../server/app';
import { bodyOf, buildContent } from '../../shared/content';
import { bytesOf, type DocState, type Envelope } from '../../shared/protocol';
import { connect, createCell, settle, startTestServer, tokenFor, type TestClient } from '../helpers/server';

const RUNS = Number(process.env.SEQ_LEAK_RUNS ?? 12);

type Step = 'shared-usa' | 'shared-gbr' | 'hidden' | 'before-release' | 'after-usa' | 'after-gbr';
/** What GBR may see happen: the same in both cells. */
const SEEN: readonly Step[] = ['shared-usa', 'shared-gbr', 'after-usa', 'after-gbr'];

let server: RunningServer;
const tokens = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  for (const persona of ['usa-fdo', 'gbr-analyst']) tokens.set(persona, await tokenFor(server.url, persona));
});
afterAll(async () => {
  await server.close();
});

/** One participant's edits of one object's epoch: a doc holding the synced state and its own edits. */
async function editor(client: TestClient, workspaceId: string, object: Envelope) {
  const { docs } = await client.ok('doc:sync', { workspaceId, docs: [{ id: object.id }] });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, bytesOf(docs[0]!.update));
  return async (text: string) => {
    const before = Y.encodeStateVector(doc);
    bodyOf(doc).insert(0, text);
    return client.ok('doc:update', { workspaceId, id: object.id, epoch: object.epoch, update: Y.encodeStateAsUpdate(doc, before) });
  };
}

/** Runs `steps` in a new cell; answers every number GBR was given, in order, each object named by its role. */
async function observe(steps: readonly Step[]): Promise<string[]> {
  const usa = await connect(server.url, 'usa-fdo', tokens.get('usa-fdo'));
  const gbr = await connect(server.url, 'gbr-analyst', tokens.get('gbr-analyst'), 'binary');
  try {
    const cell = await createCell(server.url, tokens.get('usa-fdo')!, { name: 'Numbers', template: 'fvey' });
    await usa.ok('workspace:join', { workspaceId: cell.id });
    const create = async (marking: string) =>
      (await usa.ok('object:create', { workspaceId: cell.id, kind: 'note', marking, content: buildContent({ fields: { title: 'Note' }, body: '' }) })).object;
    const shared = await create('SECRET//REL TO USA, GBR');
    const hidden = await create('SECRET//NOFORN');
    let released = await create('SECRET//NOFORN');
    const roles = new Map([
      [shared.id, 'shared'],
      [hidden.id, 'hidden'],
      [released.id, 'released'],
    ]);
    const seen: string[] = [];
    const role = (id: string) => roles.get(id) ?? `unknown ${id}`;
    const joined = await gbr.ok('workspace:join', { workspaceId: cell.id });
    for (const [id, seq] of Object.entries(joined.seqs ?? {})) seen.push(`join ${role(id)} ${seq}`);
    const sync = async (object: Envelope) => {
      const { docs } = await gbr.ok('doc:sync', { workspaceId: cell.id, docs: [{ id: object.id }] });
      for (const doc of docs) seen.push(`sync ${role(doc.id)} e${doc.epoch} ${doc.seq}`);
    };
    await sync(shared);
    const edits = {
      sharedUsa: await editor(usa, cell.id, shared),
      sharedGbr: await editor(gbr, cell.id, shared),
      hidden: await editor(usa, cell.id, hidden),
      releasedUsa: await editor(usa, cell.id, released),
      releasedGbr: undefined as ((text: string) => Promise<{ seq?: number }>) | undefined,
    };
    let isReleased = false;
    const release = async () => {
      released = (await usa.ok('object:remark', { workspaceId: cell.id, id: released.id, marking: 'SECRET//REL TO USA, GBR' })).object;
      isReleased = true;
      await settle(usa, gbr);
      await sync(released);
      edits.releasedUsa = await editor(usa, cell.id, released);
      edits.releasedGbr = await editor(gbr, cell.id, released);
    };
    for (const step of steps) {
      if (step.startsWith('after') && !isReleased) await release();
      if (step === 'shared-usa') await edits.sharedUsa('u');
      if (step === 'shared-gbr') seen.push(`ack shared ${(await edits.sharedGbr('g')).seq}`);
      if (step === 'hidden') await edits.hidden('h');
      if (step === 'before-release' && !isReleased) await edits.releasedUsa('b');
      if (step === 'after-usa') await edits.releasedUsa('a');
      if (step === 'after-gbr') seen.push(`ack released ${(await edits.releasedGbr!('g')).seq}`);
      // Each step's frames arrive before the next step: one frame per step, in both cells alike.
      await settle(usa, gbr);
    }
    if (!isReleased) await release();
    for (const frame of gbr.frames) {
      const states = frame.event === 'doc:updates' ? (frame.payload as { updates: DocState[] }).updates : frame.event.startsWith('doc:') ? [frame.payload as DocState] : [];
      for (const state of states) seen.push(`${frame.event} ${role(state.id)} e${state.epoch} ${state.from ?? state.seq}-${state.seq}`);
    }
    expect(seen.some((line) => line.includes('hidden') || line.includes('unknown'))).toBe(false);
    return seen;
  } finally {
    usa.close();
    gbr.close();
  }
}

test('the numbers a partner is given are the same whatever happened to objects it cannot see, and before the release that showed one to it', async () => {
  const step = fc.constantFrom<Step>('shared-usa', 'shared-gbr', 'hidden', 'before-release');
  const later = fc.constantFrom<Step>('shared-usa', 'shared-gbr', 'hidden', 'after-usa', 'after-gbr');
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), fc.array(later, { maxLength: 6 }), async (before, after) => {
      const steps = [...before, ...after];
      const withHidden = await observe(steps);
      const withoutHidden = await observe(steps.filter((s) => SEEN.includes(s)));
      expect(withHidden).toEqual(withoutHidden);
      // The numbers are there at all: every frame and sync answer of what GBR sees carries one.
      expect(withHidden.every((line) => !line.endsWith('undefined'))).toBe(true);
    }),
    { numRuns: RUNS },
  );
});
