// `npm run bench -- heap-diff <before.heapsnapshot> <after.heapsnapshot> [--per <n>]`: what grew
// between two heap snapshots, by constructor (object name, or the node type for strings, closures,
// code…; closures by function name, arrays by kind), in bytes of the objects themselves, divided by `--per` (e.g. the clients added).
import { readFileSync } from 'node:fs';
import { numberFlag } from './options';
import { fixed, table } from './report';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per constructor. Pure, for a parsed snapshot. */
export function sizesByConstructor(snapshot: Snapshot): Map<string, { bytes: number; count: number }> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const sizes = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const name = snapshot.strings[snapshot.nodes[i + nameAt]!]!;
    // Objects by constructor; closures by function name and arrays by kind (which tell whose they are).
    const key = type === 'object' || type === 'native' ? name : type === 'closure' || type === 'array' ? `(${type}) ${name.slice(0, 60)}` : `(${type})`;
    const entry = sizes.get(key) ?? { bytes: 0, count: 0 };
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    entry.count++;
    sizes.set(key, entry);
  }
  return sizes;
}

export async function run(args: string[]): Promise<number> {
  const [beforeFile, afterFile] = args.filter((arg) => arg.endsWith('.heapsnapshot'));
  if (!beforeFile || !afterFile) {
    console.error('usage: npm run bench -- heap-diff <before.heapsnapshot> <after.heapsnapshot> [--per <n>]');
    return 2;
  }
  const per = numberFlag(args, 'per', 1);
  const before = sizesByConstructor(JSON.parse(readFileSync(beforeFile, 'utf8')) as Snapshot);
  const after = sizesByConstructor(JSON.parse(readFileSync(afterFile, 'utf8')) as Snapshot);
  const grown = [...after]
    .map(([name, { bytes, count }]) => ({ name, bytes: bytes - (before.get(name)?.bytes ?? 0), count: count - (before.get(name)?.count ?? 0) }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const total = grown.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`Grown: ${fixed(total / per, 0)} bytes per unit (${per} units)\n`);
  console.log(table(['constructor', 'bytes per unit', 'objects per unit'], grown.slice(0, 40).map((row) => [row.name, fixed(row.bytes / per, 0), fixed(row.count / per, 2)])));
  return 0;
}
