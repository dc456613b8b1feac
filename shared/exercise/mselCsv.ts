// The MSEL as a spreadsheet: one row per inject, one more row per variant (its `variant_of` names
// the inject). Import checks each row with the scenario's own rules and names the row and column
// of every fault; export writes what import reads back unchanged.
import Papa from 'papaparse';
import { checkScenario, type ScenarioContext } from './scenarioChecks';
import { injectSchema, schemaIssues, type Inject, type Scenario } from './scenario';
import { formatScenarioTime } from './scenarioTime';

type Shape = 'text' | 'list' | 'time';

interface Column {
  name: string;
  /** Where the value lives in an inject. */
  path: readonly string[];
  shape: Shape;
}

const column = (name: string, path: readonly string[], shape: Shape = 'text'): Column => ({ name, path, shape });

/** The columns, in the order export writes them. */
export const MSEL_COLUMNS: readonly Column[] = [
  column('id', ['id']),
  column('variant_of', []),
  column('at', ['at'], 'time'),
  column('author', ['author']),
  column('kind', ['kind']),
  column('object_kind', ['objectKind']),
  column('cells', ['cells'], 'list'),
  column('to', ['to'], 'list'),
  column('from', ['from']),
  column('marking', ['marking']),
  column('title', ['title']),
  column('content', ['content']),
  column('target', ['target']),
  column('release_to', ['releaseTo']),
  column('participant', ['participant']),
  column('release', ['release']),
  column('objective', ['objective']),
  column('expected_action', ['expect', 'action']),
  column('expected_audit', ['expect', 'audit']),
  column('expected_by', ['expect', 'by']),
  column('expected_within', ['expect', 'within'], 'time'),
  column('condition_inject', ['condition', 'inject']),
  column('condition_expected', ['condition', 'expected']),
];

const VARIANT_COLUMNS = new Set(['variant_of', 'marking', 'title', 'content']);
const REQUIRED = ['id', 'at', 'author', 'kind', 'marking', 'title'];
const LIST_SEPARATOR = /\s*;\s*/;

export interface CsvIssue {
  /** 1-based, the header being row 1, as a spreadsheet numbers it. */
  row: number;
  /** Column name, or null for a fault of the whole row or file. */
  column: string | null;
  message: string;
}

/** On failure, `header` is the file's own first row, for describeCsvIssue's column letters. */
export type MselImport = { ok: true; msel: Inject[] } | { ok: false; issues: CsvIssue[]; header: string[] };

/** 'Row 4, column marking (J): …' */
export function describeCsvIssue(issue: CsvIssue, header: readonly string[] = MSEL_COLUMNS.map((c) => c.name)): string {
  if (issue.column === null) return `Row ${issue.row}: ${issue.message}`;
  const index = header.indexOf(issue.column);
  return `Row ${issue.row}, column ${issue.column}${index < 0 ? '' : ` (${letter(index)})`}: ${issue.message}`;
}

function letter(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : letter(Math.floor(index / 26) - 1) + letter(index % 26);
}

export function exportMsel(msel: readonly Inject[]): string {
  const rows: string[][] = [];
  for (const inject of msel) {
    rows.push(MSEL_COLUMNS.map((c) => cellText(valueAt(inject, c.path), c.shape)));
    for (const variant of inject.variants) {
      rows.push(MSEL_COLUMNS.map((c) => (c.name === 'variant_of' ? inject.id : VARIANT_COLUMNS.has(c.name) ? cellText(valueAt(variant, c.path), c.shape) : '')));
    }
  }
  return `${Papa.unparse({ fields: MSEL_COLUMNS.map((c) => c.name), data: rows }, { newline: '\n' })}\n`;
}

function valueAt(from: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return undefined;
  return path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), from);
}

function cellText(value: unknown, shape: Shape): string {
  if (value === undefined) return '';
  if (shape === 'time') return formatScenarioTime(value as number);
  if (shape === 'list') return (value as string[]).join('; ');
  return String(value);
}

/** The MSEL of a CSV file, checked as part of `scenario` (its cells, participants and objectives). */
export function importMsel(csv: string, scenario: Scenario, context: ScenarioContext): MselImport {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false });
  const [header = [], ...rows] = parsed.data.map((row) => row.map((value) => value.trim()));
  const issues: CsvIssue[] = parsed.errors.map((error) => ({ row: (error.row ?? 0) + 1, column: null, message: `${error.message}.` }));
  const known = new Map(MSEL_COLUMNS.map((c) => [c.name, c]));
  header.forEach((name) => {
    if (!known.has(name)) issues.push({ row: 1, column: name, message: `"${name}" is not an MSEL column; the columns are ${[...known.keys()].join(', ')}.` });
  });
  for (const name of REQUIRED) if (!header.includes(name)) issues.push({ row: 1, column: null, message: `the column "${name}" is missing.` });
  if (issues.length > 0) return { ok: false, issues, header };

  const msel: Record<string, unknown>[] = [];
  const rowOf: number[] = [];
  const variantRows: number[][] = [];
  rows.forEach((cells, i) => {
    const row = i + 2;
    if (cells.every((value) => value === '')) return;
    const values = new Map(header.map((name, j) => [name, cells[j] ?? '']));
    const parent = values.get('variant_of') ?? '';
    if (parent) {
      const index = msel.findIndex((inject) => inject.id === parent);
      if (index < 0) return void issues.push({ row, column: 'variant_of', message: `no earlier row has the inject id "${parent}".` });
      const variant = rowObject(values, (c) => c.name !== 'variant_of' && VARIANT_COLUMNS.has(c.name));
      (msel[index]!.variants as unknown[]).push(variant);
      variantRows[index]!.push(row);
      return;
    }
    msel.push({ ...rowObject(values, (c) => c.path.length > 0), variants: [] });
    rowOf.push(row);
    variantRows.push([]);
  });

  const where = (path: readonly (string | number)[]): CsvIssue => locate(path, rowOf, variantRows);
  const injects: Inject[] = [];
  msel.forEach((raw, i) => {
    const result = injectSchema.safeParse(raw);
    if (result.success) injects.push(result.data);
    else for (const issue of schemaIssues(result.error)) issues.push({ ...where([i, ...issue.path]), message: issue.message });
  });
  if (issues.length > 0) return { ok: false, issues, header };
  for (const issue of checkScenario({ ...scenario, msel: injects }, context)) {
    if (issue.path[0] === 'msel') issues.push({ ...where(issue.path.slice(1)), message: issue.message });
  }
  return issues.length > 0 ? { ok: false, issues, header } : { ok: true, msel: injects };
}

/** One row as an inject (or variant) input: empty cells are absent fields. */
function rowObject(values: Map<string, string>, take: (c: Column) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of MSEL_COLUMNS) {
    const text = values.get(c.name) ?? '';
    if (!take(c) || text === '') continue;
    const value = c.shape === 'list' ? text.split(LIST_SEPARATOR).filter(Boolean) : text;
    let target = out;
    for (const key of c.path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[c.path.at(-1)!] = value;
  }
  return out;
}

/** The row and column of an issue at `[injectIndex, field…]`. */
function locate(path: readonly (string | number)[], rowOf: number[], variantRows: number[][]): CsvIssue {
  const [index, ...field] = path as [number, ...(string | number)[]];
  if (field[0] === 'variants' && typeof field[1] === 'number') {
    return { row: variantRows[index]![field[1]]!, column: columnFor(field.slice(2)), message: '' };
  }
  return { row: rowOf[index]!, column: columnFor(field), message: '' };
}

function columnFor(field: readonly (string | number)[]): string | null {
  const names = field.filter((key): key is string => typeof key === 'string');
  const match = MSEL_COLUMNS.find((c) => c.path.length > 0 && c.path.length <= names.length && c.path.every((key, i) => key === names[i]));
  const parent = match ?? MSEL_COLUMNS.find((c) => c.path.length > 0 && c.path[0] === names[0]);
  return parent?.name ?? null;
}
