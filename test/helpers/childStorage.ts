// A child node's storage settings on each engine (describeEngines' backends), for the tests that
// kill a node and start it again on the same storage: a data directory of its own, and on
// PostgreSQL a database of the test's own.
import { useTestDatabase } from './postgres';
import { tempDir } from './server';

type Settings = () => Record<string, string>;

export const childStorage: { sqlite: () => Settings; postgres: () => Settings } = {
  sqlite: () => () => ({ TEARLINE_DATA_DIR: tempDir() }),
  postgres: () => {
    const url = useTestDatabase();
    return () => ({ TEARLINE_DATA_DIR: tempDir(), TEARLINE_STORE: 'postgres', DATABASE_URL: url() });
  },
};
