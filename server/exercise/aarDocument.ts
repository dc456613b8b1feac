// The AAR/IP draft as a report of the cell: a title and one portion per Markdown block (a heading,
// a paragraph, a list, a table), in order, each marked as EXCON chose, stamped as exercise
// material with the scenario's banner wording. Pure: the handler creates the objects.
export interface AarDocument {
  title: string;
  /** Each portion's text, in reading order. */
  portions: string[];
}

export function aarDocument(markdown: string): AarDocument {
  const blocks: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) blocks.push(current.join('\n'));
    current = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.trim() === '') flush();
    else if (/^#{1,3} /.test(line)) {
      // A heading is a portion of its own, so each section can be marked and edited apart.
      flush();
      blocks.push(line);
    } else current.push(line);
  }
  flush();
  const [first = '', ...rest] = blocks;
  return { title: first.replace(/^#+ /, ''), portions: rest };
}
