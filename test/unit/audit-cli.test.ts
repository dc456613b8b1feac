import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../server/cli/audit';
import { run as migrateCommand } from '../../server/cli/migrate';
import { createPostgresAuditLog } from '../../server/audit/postgresAuditLog';
import { createSqliteAuditLog } from '../../server/audit/sqliteAuditLog';
import { migrations } from '../../server/store/pgMigrate';
import { createPool } from '../../server/store/pgPool';
import { createTestDatabase, postgresTestsSkipped, useTestDatabase } from '../helpers/postgres';

let dir: string;
let out: string[];
let err: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tearline-cli-'));
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function seed(count: number): Promise<string> {
  const db = new Database(join(dir, 'tearline.db'));
  const log = createSqliteAuditLog(db);
  let hash = '';
  for (let n = 1; n <= count; n++) {
    hash = (await log.append({ workspaceId: 'ws-1', actor: { sub: 'usa-fdo', nation: 'USA' }, action: 'release.approve', objectId: `obj-${n}`, detail: { n } }))!.hash;
  }
  db.close();
  return hash;
}

function tamper(sql: string): void {
  const db = new Database(join(dir, 'tearline.db'));
  db.exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ${sql}`);
  db.close();
}

describe('tearline audit verify', () => {
  it('prints OK with the entry count and the head, exit 0', async () => {
    const head = await seed(3);
    expect(await run(['verify', '--data-dir', dir])).toBe(0);
    expect(out).toEqual(['OK (3 entries)', `head: entry 3 ${head}`]);
  });

  it('reads the data directory from TEARLINE_DATA_DIR, and --data-dir=DIR', async () => {
    await seed(2);
    expect(await run(['verify'], { TEARLINE_DATA_DIR: dir })).toBe(0);
    expect(await run(['verify', `--data-dir=${dir}`], {})).toBe(0);
    expect(out.filter((line) => line.startsWith('OK'))).toEqual(['OK (2 entries)', 'OK (2 entries)']);
  });

  it('names the first tampered entry, exit 1', async () => {
    await seed(4);
    tamper(`UPDATE audit_log SET detail = '{"n":99}' WHERE seq = 2; DELETE FROM audit_log WHERE seq = 3;`);
    expect(await run(['verify', '--data-dir', dir])).toBe(1);
    expect(out).toEqual(['TAMPERED at entry 2: entry 2 was altered (its content no longer matches its hash)']);
  });

  it('reports a database with no audit log yet as empty', async () => {
    new Database(join(dir, 'tearline.db')).close();
    expect(await run(['verify', '--data-dir', dir])).toBe(0);
    expect(out).toEqual(['OK (0 entries)']);
  });

  it('exits 2 with a clear message when there is no database or the command is wrong', async () => {
    expect(await run(['verify', '--data-dir', join(dir, 'nowhere')])).toBe(2);
    expect(err[0]).toBe(`No Tearline database at ${join(dir, 'nowhere', 'tearline.db')}.`);
    expect(await run(['check'])).toBe(2);
    expect(await run(['verify', '--data-dir'])).toBe(2);
    expect(await run(['verify', '--force'])).toBe(2);
    expect(err.filter((line) => line.startsWith('usage:'))).toHaveLength(3);
  });

  it('runs as `tearline audit verify` through the command dispatcher', async () => {
    await seed(2);
    tamper('UPDATE audit_log SET actor_sub = \'mallory\' WHERE seq = 1;');
    const bin = join(__dirname, '../../bin/tearline.mjs');
    const result = await promisify(execFile)(process.execPath, [bin, 'audit', 'verify', '--data-dir', dir]).catch((error: { code: number; stdout: string }) => error);
    expect(result).toMatchObject({ code: 1, stdout: expect.stringContaining('TAMPERED at entry 1') });
  });
});

describe.skipIf(postgresTestsSkipped)('on PostgreSQL (TEARLINE_STORE=postgres)', () => {
  const url = useTestDatabase('audit_log, audit_head');

  it('verifies the audit log in the database at DATABASE_URL, and names DATABASE_URL when it is missing', async () => {
    const pool = createPool(url());
    const log = createPostgresAuditLog(pool);
    const last = await log.append({ workspaceId: 'ws-1', actor: { sub: 'usa-fdo', nation: 'USA' }, action: 'release.approve', objectId: 'obj-1', detail: {} });
    await log.close();
    await pool.end();
    expect(await run(['verify'], { TEARLINE_STORE: 'postgres', DATABASE_URL: url() })).toBe(0);
    expect(out).toEqual(['OK (1 entries)', `head: entry 1 ${last!.hash}`]);
    expect(await run(['verify'], { TEARLINE_STORE: 'postgres' })).toBe(2);
    expect(err.at(-1)).toMatch(/DATABASE_URL/);
  });

  it('`tearline migrate` brings the database to the current schema once, and names DATABASE_URL when it is missing', async () => {
    const database = await createTestDatabase();
    try {
      expect(await migrateCommand([], { DATABASE_URL: database.url })).toBe(0);
      expect(out.at(-1)).toBe(`Applied: ${migrations().map(({ version, name }) => `${version}_${name}`).join(', ')}.`);
      expect(await migrateCommand([], { DATABASE_URL: database.url })).toBe(0);
      expect(out.at(-1)).toBe('The database schema is current.');
    } finally {
      await database.drop();
    }
    expect(await migrateCommand([], {})).toBe(2);
    expect(err.at(-1)).toMatch(/DATABASE_URL/);
  });
});
