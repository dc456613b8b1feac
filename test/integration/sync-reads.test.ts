// A cold open reads the docs a doc:sync asks for together: one store read for all the docs not in
// memory (on PostgreSQL a fixed number of queries, whatever their number), not one per object.
import { afterEach, expect, test, vi } from 'vitest';
import { buildContent } from '../../shared/content';
import type { ServerConfig } from '../../server/config';
import { PostgresStore } from '../../server/store/postgresStore';
import type { RunningServer } from '../../server/app';
import { countQueries, describeEngines, useTestDatabase } from '../helpers/postgres';
import { connect, createCell, onPostgres, startTestServer, tempDir, tokenFor, type TestClient } from '../helpers/server';

const running: { server?: RunningServer; client?: TestClient } = {};
afterEach(async () => {
  running.client?.close();
  await running.server?.close();
  vi.restoreAllMocks();
});

/** A server on this storage with a cell of `count` objects, none in memory, and a joined client. */
async function cellOf(options: Partial<ServerConfig>, count: number) {
  const server = (running.server = await startTestServer(options));
  const cell = await createCell(server.url, await tokenFor(server.url, 'usa-analyst'), { name: 'Reads', members: ['FVEY'] });
  const client = (running.client = await connect(server.url, 'usa-analyst', undefined, 'base64'));
  await client.ok('workspace:join', { workspaceId: cell.id });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { object } = await client.ok('object:create', { workspaceId: cell.id, kind: 'note', marking: 'UNCLASSIFIED', content: buildContent({ body: `note ${i}` }) });
    ids.push(object.id);
  }
  const sync = (some: readonly string[]) => client.ok('doc:sync', { workspaceId: cell.id, docs: some.map((id) => ({ id })) });
  return { server, ids, sync };
}

describeEngines(
  'doc:sync reads',
  {
    sqlite: () => () => ({ dataDir: tempDir() }) as Partial<ServerConfig>,
    postgres: () => {
      const url = useTestDatabase();
      return () => ({ dataDir: tempDir(), ...onPostgres(url()) }) as Partial<ServerConfig>;
    },
  },
  (options, engine) => {
    test('a doc:sync of many objects not in memory reads them in one store read, then from the cache', async () => {
      const { server, ids, sync } = await cellOf(options(), 30);
      const loadDoc = vi.spyOn(server.ctx.store, 'loadDoc');
      const loadDocs = vi.spyOn(server.ctx.store, 'loadDocs');
      const { docs, missing } = await sync([...ids, 'no-such-object']);
      expect(docs.map((doc) => doc.id)).toEqual(ids);
      expect(missing).toEqual(['no-such-object']);
      expect(loadDoc).not.toHaveBeenCalled();
      expect(loadDocs).toHaveBeenCalledTimes(1);
      expect(loadDocs.mock.calls[0]![0]).toEqual(ids);
      // A second client of the cell (a restart's reconnects) is served what the first read.
      expect((await sync(ids)).docs).toEqual(docs);
      expect(loadDocs).toHaveBeenCalledTimes(1);
      expect(loadDoc).not.toHaveBeenCalled();
    });

    // SQLite reads in process, one prepared statement per object and table: only PostgreSQL's round trips count.
    if (engine === 'postgres') {
      test('on PostgreSQL the read is a fixed number of queries whatever the number of objects', async () => {
        const { server, ids, sync } = await cellOf(options(), 40);
        expect(server.ctx.store).toBeInstanceOf(PostgresStore);
        const queries = countQueries((server.ctx.store as PostgresStore).pool);
        await sync(ids.slice(0, 2));
        const few = queries.count();
        await sync(ids.slice(2));
        const many = queries.count() - few;
        expect(few).toBeGreaterThan(0);
        expect(many).toBe(few);
      });
    }
  },
);
