// The one-way rules of .dependency-cruiser.cjs, checked on the code (no cycle, no import against
// the grain), and on a small tree that breaks them, so a rule that stopped biting would show.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Violations found in `dirs` under `cwd`, one "rule: from → to" a line (none: empty). */
async function violations(cwd: string, dirs: string[]): Promise<string[]> {
  const run = await promisify(execFile)(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'json', ...dirs], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    // Violations make the CLI exit non-zero; its report is still on stdout.
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const report = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

const fixtures: string[] = [];
afterAll(() => {
  for (const dir of fixtures) fs.rmSync(dir, { recursive: true, force: true });
});

describe('dependency rules', () => {
  it('hold for the code: no cycle, handlers → domain → store → shared, nothing shipped imports bench, tests or the client', async () => {
    expect(await violations(ROOT, ['server', 'shared', 'client', 'bin'])).toEqual([]);
  }, 120_000);

  it('catch a cycle and each forbidden direction', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-deps-'));
    fixtures.push(dir);
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "module": "ESNext", "moduleResolution": "bundler" } }',
      'server/objects/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'server/objects/b.ts': "import { a } from './a';\nimport { h } from '../handlers/h';\nexport const b = () => [a, h];\n",
      'server/handlers/h.ts': 'export const h = 1;\n',
      'server/store/s.ts': "import { a } from '../objects/a';\nimport { bench } from '../../bench/x';\nexport const s = [a, bench];\n",
      'shared/x.ts': "import { s } from '../server/store/s';\nexport const x = s;\n",
      'client/c.ts': "import { s } from '../server/store/s';\nexport const c = s;\n",
      'bench/x.ts': 'export const bench = 1;\n',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const found = (await violations(dir, ['server', 'shared', 'client'])).join('\n');
    expect(found).toMatch(/no-circular: server\/objects\/a\.ts → server\/objects\/b\.ts/);
    expect(found).toMatch(/only-the-composition-root-imports-handlers: server\/objects\/b\.ts → server\/handlers\/h\.ts/);
    expect(found).toMatch(/store-is-below-the-domain: server\/store\/s\.ts → server\/objects\/a\.ts/);
    expect(found).toMatch(/server-never-imports-bench-test-client: server\/store\/s\.ts → bench\/x\.ts/);
    expect(found).toMatch(/shared-is-self-contained: shared\/x\.ts → server\/store\/s\.ts/);
    expect(found).toMatch(/client-never-imports-server: client\/c\.ts → server\/store\/s\.ts/);
  }, 120_000);
});
