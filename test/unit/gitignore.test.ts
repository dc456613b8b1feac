// .gitignore keeps the local data directory (./data: the SQLite file, the dev identity key) out of
// git, and nothing else of that name: a source folder called data (client/src/data, say) is tracked.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ignored = (file: string) => spawnSync('git', ['check-ignore', '--quiet', '--no-index', file], { cwd: ROOT }).status === 0;

test('the data directory at the top is ignored; folders named data elsewhere are not', () => {
  expect(ignored('data/tearline.db')).toBe(true);
  expect(ignored('data/dev-identity.json')).toBe(true);
  for (const file of ['client/src/data/nations.ts', 'server/data/seed.ts', 'test/fixtures/data/cell.json']) expect(ignored(file), file).toBe(false);
});
