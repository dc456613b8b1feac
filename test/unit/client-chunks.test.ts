// The workspace's first paint does not wait for the map (issue 16): OpenLayers, milsymbol and the
// basemap's data are chunks loaded when the map asks for them, never imported by the entry chunk.
// Checked on a real production build's manifest, written to a temporary directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type Manifest } from 'vite';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tearline-chunks-'));
afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** The chunks the entry loads before it runs: itself and its static imports, transitively. */
function staticClosure(manifest: Manifest, key: string, seen = new Set<string>()): Set<string> {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const next of manifest[key]?.imports ?? []) staticClosure(manifest, next, seen);
  return seen;
}

describe('the client bundle', () => {
  it('loads the map engine, milsymbol and the basemap data lazily, out of the entry chunk', async () => {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true, manifest: true, minify: false } });
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry)!;
    const eager = staticClosure(manifest, entry);
    // node_modules may be a link to another checkout's: the 1:10m land is found by its name.
    const land10m = Object.keys(manifest).find((key) => key.endsWith('world-atlas/land-10m.json'));
    for (const key of ['src/map/engine.ts', 'src/map/generated/basemap-region.json', land10m ?? 'world-atlas/land-10m.json']) {
      expect(manifest[key]?.isDynamicEntry, key).toBe(true);
      expect(eager.has(key), key).toBe(false);
    }
    const milsymbol = Object.keys(manifest).find((key) => key.includes('milsymbol'));
    expect(milsymbol).toBeDefined();
    expect(eager.has(milsymbol!)).toBe(false);
    // Unminified, each module in a chunk starts with a comment naming its file: the entry chunk holds
    // React, yjs and the rest, but no module of OpenLayers, milsymbol or world-atlas.
    const entryCode = fs.readFileSync(path.join(outDir, manifest[entry]!.file), 'utf8');
    const packages = new Set([...entryCode.matchAll(/^\/\/ .*node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((match) => match[1]));
    expect(packages.has('react')).toBe(true);
    for (const name of ['ol', 'milsymbol', 'world-atlas']) expect(packages.has(name), name).toBe(false);
  }, 180_000);
});
