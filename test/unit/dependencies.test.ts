// The declared dependencies match the code. A production install has no dev dependencies, so
// everything the shipped `tearline` command can load must be in `dependencies`; a runtime
// dependency nothing ships is dead weight (and an attack surface); what only the benchmark and
// the tests use is a dev dependency.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const runtime = new Set(Object.keys(manifest.dependencies));

interface Imports {
  /** Relative specifiers, resolved to files. */
  files: string[];
  /** Package names, type-only imports included (`all`) or not (`loaded`). */
  all: Set<string>;
  loaded: Set<string>;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function resolveFile(from: string, specifier: string): string {
  const base = path.resolve(path.dirname(from), specifier);
  const found = [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
  if (!found) throw new Error(`${path.relative(ROOT, from)} imports ${specifier}, which does not resolve`);
  return found;
}

function importsOf(file: string): Imports {
  const source = fs.readFileSync(file, 'utf8');
  const found: Imports = { files: [], all: new Set(), loaded: new Set() };
  const add = (specifier: string, typeOnly: boolean) => {
    const name = packageOf(specifier);
    if (name === null) {
      if (specifier.startsWith('.') && !typeOnly) found.files.push(resolveFile(file, specifier));
      return;
    }
    found.all.add(name);
    if (!typeOnly) found.loaded.add(name);
  };
  for (const match of source.matchAll(STATIC)) add(match[3]!, match[2] !== undefined);
  for (const match of source.matchAll(DYNAMIC)) add(match[1]!, false);
  return found;
}

function sourcesUnder(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    fs
      .readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(ts|tsx|mjs)$/.test(name))
      .map((name) => path.join(ROOT, folder, name)),
  );
}

function packagesOf(files: string[], kind: 'all' | 'loaded'): Set<string> {
  return new Set(files.flatMap((file) => [...importsOf(file)[kind]]));
}

/** The tearline command and every file of this repository it can load, with the packages they load. */
function commandClosure(): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const queue = [path.join(ROOT, 'bin/tearline.mjs')];
  const packages = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const found = importsOf(file);
    for (const name of found.loaded) packages.add(name);
    queue.push(...found.files);
  }
  return { files: seen, packages };
}

/** The Dockerfile's stages: each FROM line's base and name, and the instructions under it. */
function dockerStages(): { from: string; name: string | undefined; lines: string[] }[] {
  const stages: { from: string; name: string | undefined; lines: string[] }[] = [];
  for (const line of fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n')) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2], lines: [] });
    else if (line.trim() && !line.startsWith('#')) stages.at(-1)?.lines.push(line.trim());
  }
  return stages;
}

describe('dependencies', () => {
  test('the Docker image runs on runtime dependencies only: its node_modules come from `npm ci --omit=dev`, and it holds every file the command loads', () => {
    const stages = dockerStages();
    const runtime = stages.at(-1)!;
    expect(runtime.lines.filter((line) => /\bnpm (ci|install|i)\b/.test(line))).toEqual([]);
    const modules = runtime.lines.map((line) => /^COPY\s+--from=(\S+)\s+\/app\/node_modules\b/.exec(line)?.[1]).find((name) => name !== undefined);
    const source = stages.find((stage) => stage.name === modules);
    expect(source?.lines.some((line) => /\bnpm ci\b.*--omit=dev/.test(line))).toBe(true);
    expect(source?.lines.filter((line) => /\bnpm (ci|install|i)\b/.test(line) && !/--omit=dev/.test(line))).toEqual([]);
    const copied = runtime.lines.flatMap((line) => /^COPY\s+(?!--)(\S+)\s+\.\/\S*$/.exec(line)?.[1] ?? []);
    const missing = [...commandClosure().files].map((file) => path.relative(ROOT, file)).filter((file) => !copied.some((dir) => file === dir || file.startsWith(`${dir}/`)));
    expect(missing).toEqual([]);
  });

  test('everything the tearline command can load is a runtime dependency, and none of it is the benchmark or the tests', () => {
    const { files: seen, packages } = commandClosure();
    const outside = [...seen].map((file) => path.relative(ROOT, file)).filter((file) => /^(bench|test)\//.test(file));
    expect(outside).toEqual([]);
    expect([...packages].filter((name) => !runtime.has(name))).toEqual([]);
    // The walk reached the server: the check is not vacuous.
    expect(seen).toContain(path.join(ROOT, 'server/app.ts'));
  });

  test('every runtime dependency is imported by the code that ships (server, shared, client, bin)', () => {
    const shipped = packagesOf(sourcesUnder('server', 'shared', 'client/src', 'bin'), 'all');
    expect([...runtime].filter((name) => !shipped.has(name))).toEqual([]);
  });

  test('what only the benchmark and the tests import is a dev dependency', () => {
    const shipped = packagesOf(sourcesUnder('server', 'shared', 'client/src', 'bin'), 'all');
    const devOnly = [...packagesOf(sourcesUnder('bench', 'test'), 'all')].filter((name) => !shipped.has(name));
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((name) => runtime.has(name))).toEqual([]);
    expect(devOnly.filter((name) => !(name in manifest.devDependencies) && !name.startsWith('@types/'))).toEqual([]);
  });
});
