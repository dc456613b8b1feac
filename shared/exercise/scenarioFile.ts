// A scenario file (YAML, or JSON, which YAML reads too) → a checked Scenario, or every fault with
// its line and field path. One reader for both, so JSON errors carry lines as well.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { checkScenario, type ScenarioContext } from './scenarioChecks';
import { scenarioSchema, schemaIssues, type Scenario, type ScenarioIssue } from './scenario';

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; issues: ScenarioIssue[] };

export function parseScenarioFile(text: string, context: ScenarioContext): ScenarioResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        path: [],
        line: lines.linePos(error.pos[0]).line,
        message: `the file cannot be read: ${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}.`,
      })),
    };
  }
  const parsed = scenarioSchema.safeParse(doc.toJS());
  const issues = parsed.success ? checkScenario(parsed.data, context) : schemaIssues(parsed.error);
  if (parsed.success && issues.length === 0) return { ok: true, scenario: parsed.data };
  const contents = doc.contents as Node | null;
  return { ok: false, issues: issues.map((issue) => ({ ...issue, line: lineOf(contents, issue.path, lines) })) };
}

/** The line of the deepest node the path reaches: the field itself, or the block it is missing from. */
function lineOf(root: Node | null, path: readonly (string | number)[], lines: LineCounter): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
