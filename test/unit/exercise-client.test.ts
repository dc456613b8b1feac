// The web client's exercise clock display and the AAR renderer: pure parts, no browser.
import { renderToStaticMarkup } from 'react-dom/server';
import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { ExerciseClockView } from '../../shared/protocol';
import { offsetText, scenarioMsAt } from '../../client/src/exercise/exerciseClock';
import { Markdown } from '../../client/src/exercise/markdown';

const view: ExerciseClockView = {
  workspaceId: 'ws-1',
  banner: 'EXERCISE EXERCISE EXERCISE',
  scenarioTitle: 'Drill',
  status: 'running',
  speed: 60,
  scenarioMs: 60_000,
  scenarioTime: '2025-03-04T06:01:00.000Z',
  zulu: '2026-11-30T10:00:00.000Z',
  startex: '2025-03-04T06:00:00Z',
  realWorld: null,
};

describe('the exercise clock on the client', () => {
  it('runs on between broadcasts at the server speed, and stands still when not running', () => {
    const at = Date.parse(view.zulu) + 2000;
    expect(scenarioMsAt(view, at)).toBe(60_000 + 120_000);
    expect(scenarioMsAt({ ...view, status: 'paused' }, at)).toBe(60_000);
    expect(offsetText(3_723_000)).toBe('+01:02:03');
  });
});

describe('the AAR draft rendered', () => {
  it('renders headings, lists and tables as elements, never the draft text as HTML', () => {
    const html = renderToStaticMarkup(
      createElement(Markdown, { text: '# Title\n\n- **OBJ-1**: met\n\n| A | B |\n| --- | --- |\n| <script>x</script> | `c` |\n' }),
    );
    expect(html).toBe(
      '<h2>Title</h2><ul><li><strong>OBJ-1</strong>: met</li></ul><table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>&lt;script&gt;x&lt;/script&gt;</td><td><code>c</code></td></tr></tbody></table>',
    );
  });
});
