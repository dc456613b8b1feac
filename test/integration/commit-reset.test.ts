// A PostgreSQL COMMIT whose connection is cut before its answer arrives (a reset, a terminated
// backend): the commit may have landed. The writer is told so in plain words (never an ack), and
// the node reads the object's doc again from PostgreSQL rather than serving its copy without it.
import pg from 'pg';
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { bodyOf, buildContent } from '../../shared/content';
import { commitFailure, CommitOutcomeUnknown, toProtocolError } from '../../server/errors';
import { DocRegistry } from '../../server/objects/docRegistry';
import { createPool } from '../../server/store/pgPool';
import { PostgresStore } from '../../server/store/postgresStore';
import { UpdateWriter } from '../../server/store/updateWriter';
import { noteEnvelope } from '../helpers/envelopes';
import { postgresTestsSkipped, resetAfterCommitLands, useTestDatabase } from '../helpers/postgres';
import { textReplica } from '../helpers/textReplica';

test('a COMMIT PostgreSQL refused with an ERROR was rolled back; any other failure of it leaves the outcome unknown', () => {
  const refused = Object.assign(new Error('could not serialize access'), { severity: 'ERROR', code: '40001' });
  expect(commitFailure(refused)).toBe(refused);
  const terminated = Object.assign(new Error('terminating connection due to administrator command'), { severity: 'FATAL', code: '57P01' });
  for (const cause of [terminated, new Error('Connection terminated unexpectedly'), new Error('Query read timeout'), Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })]) {
    const failure = commitFailure(cause);
    expect(failure).toBeInstanceOf(CommitOutcomeUnknown);
    expect(toProtocolError(failure)).toEqual({ code: 'unavailable', message: expect.stringMatching(/may or may not have been saved.*Try again shortly\.$/) });
  }
});

describe.skipIf(postgresTestsSkipped)('a COMMIT cut off on PostgreSQL', () => {
  const url = useTestDatabase();
  const open: PostgresStore[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((store) => store.close()));
  });

  async function setUp() {
    const store = new PostgresStore(createPool(url()));
    open.push(store);
    const id = `doc-${Math.random().toString(36).slice(2)}`;
    await store.createWorkspace({
      id: `w-${id}`,
      name: 'Cell',
      members: ['USA'],
      defaultMarking: 'UNCLASSIFIED',
      systemHigh: 'TOP SECRET',
      groups: {},
      exercise: false,
      releasePolicy: { deadlineMinutes: 60, autoRelease: false, autoReleaseNations: [] },
      crossNationEditing: 'suggest',
      createdAt: new Date().toISOString(),
      createdBy: 'usa-analyst',
    });
    await store.createObjects([{ envelope: noteEnvelope(id, { workspaceId: `w-${id}` }), content: buildContent({ body: 'base' }), author: 'x', clients: [] }]);
    const docs = new DocRegistry(store, new UpdateWriter(store, { maxWindowMs: 0, framesPerSecond: 0 }), {
      compactAfter: 100,
      idleMs: 0,
      maxDocBytes: 1 << 20,
      onCompactionError: () => undefined,
    });
    return { store, docs, id };
  }

  test('the update that landed is served from the store, numbered as stored; the writer was told its outcome is unknown', async () => {
    const { store, docs, id } = await setUp();
    const writer = textReplica((await docs.encodeState(id)).update);
    const watcher = new pg.Client({ connectionString: url() });
    await watcher.connect();
    try {
      resetAfterCommitLands(async () => (await watcher.query('SELECT 1 FROM doc_updates WHERE object_id = $1', [id])).rowCount === 1);
      const failure = await docs.update(id, 0, writer.edit((t) => t.insert(0, 'LANDED ')), 'writer').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(CommitOutcomeUnknown);
      expect(toProtocolError(failure)).toMatchObject({ code: 'unavailable', message: expect.stringContaining('may or may not have been saved') });
    } finally {
      await watcher.end();
    }
    const held = async () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await docs.encodeState(id)).update);
      return bodyOf(doc).toString();
    };
    await vi.waitFor(async () => expect(await held()).toBe('LANDED base'), { timeout: 5000 });
    // The next write is numbered after the one that landed, and the pool still serves.
    expect((await docs.update(id, 0, writer.edit((t) => t.insert(0, 'next ')), 'writer')).seq).toBe(2);
    expect(await held()).toBe('next LANDED base');
    expect((await store.loadDoc(id)).lastSeq).toBe(2);
  });
});
