// An audit entry whose text a store cannot keep (U+0000, which PostgreSQL refuses with SQLSTATE
// 22021; an unpaired surrogate, stored as U+FFFD on either engine) must not hold up the log nor
// break the chain: it is stored with that text escaped, and the chain verifies. One the database
// refuses for anything else it holds is left out and logged, the entries around it stored in
// order. A transient refusal still keeps everything queued for the retry.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AuditDraft } from '../../server/audit/entry';
import type { AuditLog } from '../../server/audit/log';
import Database from 'better-sqlite3';
import { appendChained, createPostgresAuditLog } from '../../server/audit/postgresAuditLog';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import { createPool, transaction, type Pool } from '../../server/store/pgPool';
import { postgresTestsSkipped, useTestDatabase } from '../helpers/postgres';
import { recordingLog } from '../helpers/recordingLog';

const join = (sub: string): AuditDraft => ({ workspaceId: 'ws-1', actor: { sub, nation: 'USA' }, action: 'workspace.join', detail: { level: 'USA|SECRET|' } });

/** Refuses inserts of one actor with `code`, whatever their text: a refusal no escaping changes. */
async function refuseActor(pool: Pool, sub: string, code: string): Promise<void> {
  await pool.query(`CREATE OR REPLACE FUNCTION refuse_actor() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.actor_sub = '${sub}' THEN RAISE EXCEPTION 'refused for the test' USING ERRCODE = '${code}'; END IF; RETURN NEW; END $$`);
  await pool.query('CREATE TRIGGER refuse_actor BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_actor()');
}

test('SQLite: an unpaired surrogate in an actor is stored escaped, so the chain still verifies', async () => {
  const db = new Database(':memory:');
  const server = recordingLog();
  const log = createSqliteAuditLog(db, undefined, { groupMs: 0, log: server.log });
  expect((await log.append(join('half \ud800 pair')))?.actor.sub).toBe('half \\ud800 pair');
  expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  expect(log.unstorableEntries()).toEqual({ escaped: 1, dropped: 0 });
  await log.close();
  db.close();
});

describe.skipIf(postgresTestsSkipped)('PostgreSQL audit log, an entry the database refuses', () => {
  const url = useTestDatabase('audit_log, audit_head');
  let pool: Pool;
  let log: AuditLog;
  let server: ReturnType<typeof recordingLog>;
  beforeEach(() => {
    pool = createPool(url());
    server = recordingLog();
    log = createPostgresAuditLog(pool, undefined, { groupMs: 0, log: server.log });
  });
  afterEach(async () => {
    await log.close();
    await pool.query('DROP TRIGGER IF EXISTS refuse_actor ON audit_log');
    await pool.end();
  });

  test('U+0000 in an entry does not block the log: it is stored escaped among the others, in order, and the chain verifies', async () => {
    const appended = await Promise.all([log.append(join('before')), log.append(join('evil\u0000sub')), log.append(join('after'))]);
    expect(appended.map((entry) => entry?.actor.sub)).toEqual(['before', 'evil\\u0000sub', 'after']);
    // Later appends are written as usual.
    expect((await log.append(join('later')))?.seq).toBe(4);
    expect(log.unwritten()).toBe(0);
    expect((await log.listForWorkspace('ws-1')).map((entry) => entry.actor.sub)).toEqual(['before', 'evil\\u0000sub', 'after', 'later']);
    expect(await log.verify()).toMatchObject({ ok: true, count: 4 });
    expect(log.unstorableEntries()).toEqual({ escaped: 1, dropped: 0 });
    // The server log names the entry as it was made.
    expect(server.errors().map((record) => record.entry)).toContainEqual(expect.objectContaining({ actor: { sub: 'evil\u0000sub', nation: 'USA' } }));
  });

  test('an entry chained in a store\'s own transaction (a re-mark\'s) is escaped too', async () => {
    const [entry] = await transaction(pool, (client) => appendChained(client, [join('remark\u0000er')]));
    expect(entry?.actor.sub).toBe('remark\\u0000er');
    expect(await log.verify()).toMatchObject({ ok: true, count: 1 });
  });

  test('an entry the database refuses for anything else it holds (a constraint, 23514) is left out and logged; the others around it are stored in order', async () => {
    await refuseActor(pool, 'refused', '23514');
    const appended = await Promise.all([log.append(join('before')), log.append(join('refused')), log.append(join('after'))]);
    expect(appended.map((entry) => entry?.actor.sub)).toEqual(['before', undefined, 'after']);
    expect(log.unwritten()).toBe(0);
    expect(log.unstorableEntries()).toEqual({ escaped: 0, dropped: 1 });
    expect(server.errors().map((record) => record.entry)).toContainEqual(expect.objectContaining({ actor: { sub: 'refused', nation: 'USA' } }));
    expect(await log.verify()).toMatchObject({ ok: true, count: 2 });
  });

  test('a transient refusal (insufficient resources, 53100) keeps every entry queued for the retry, as before', async () => {
    await log.append(join('before'));
    await refuseActor(pool, 'full', '53100');
    expect(await log.append(join('full'))).toBeUndefined();
    expect(await log.append(join('after'))).toBeUndefined();
    expect(log.unwritten()).toBe(2);
    expect(log.unstorableEntries()).toEqual({ escaped: 0, dropped: 0 });
    await pool.query('DROP TRIGGER refuse_actor ON audit_log');
    await log.close();
    expect((await log.listForWorkspace('ws-1')).map((entry) => entry.actor.sub)).toEqual(['before', 'full', 'after']);
  });
});
