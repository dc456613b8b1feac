// `npx tearline migrate`: brings the PostgreSQL database at DATABASE_URL to the current schema and
// says which migrations it applied. Nodes also do this at start; running it first lets a
// deployment migrate once, before rolling out new nodes. (SQLite files are brought up to date
// when a node opens them: nothing to run.)
// Exit codes: 0 migrated (or already current), 1 the database refused, 2 no DATABASE_URL.
import { createPool } from '../store/pgPool';
import { migrate } from '../store/pgMigrate';

export async function run(_args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = env.DATABASE_URL;
  if (!url) {
    console.error('Set DATABASE_URL to the PostgreSQL database to migrate (for example postgres://tearline@db:5432/tearline).');
    return 2;
  }
  const pool = createPool(url);
  try {
    const applied = await migrate(pool);
    console.log(applied.length === 0 ? 'The database schema is current.' : `Applied: ${applied.join(', ')}.`);
    return 0;
  } catch (error) {
    console.error(`The database at DATABASE_URL could not be migrated: ${(error as Error).message}`);
    return 1;
  } finally {
    await pool.end();
  }
}
