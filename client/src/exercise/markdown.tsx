// The few Markdown forms the generated AAR/IP draft uses (server/exercise/aarReport.ts):
// headings, paragraphs, "- " lists, pipe tables, **bold**, *italic* and `code`. Rendered as React
// elements, never as HTML, so text in the draft cannot inject markup.
import type { ReactNode } from 'react';

function inline(text: string): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`)/).map((part, i) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
    return part;
  });
}

const cells = (row: string) => row.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    if (heading) {
      const Tag = `h${heading[1]!.length + 1}` as 'h2' | 'h3' | 'h4';
      blocks.push(<Tag key={i}>{inline(heading[2]!)}</Tag>);
      i++;
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++) items.push(lines[i]!.slice(2));
      blocks.push(<ul key={i}>{items.map((item, j) => <li key={j}>{inline(item)}</li>)}</ul>);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) if (!/^\|[\s|:-]+\|$/.test(lines[i]!)) rows.push(cells(lines[i]!));
      const [head = [], ...body] = rows;
      blocks.push(
        <table key={i}>
          <thead>
            <tr>{head.map((c, j) => <th key={j}>{inline(c)}</th>)}</tr>
          </thead>
          <tbody>
            {body.map((row, r) => (
              <tr key={r}>{row.map((c, j) => <td key={j}>{inline(c)}</td>)}</tr>
            ))}
          </tbody>
        </table>,
      );
    } else if (line.trim() === '') {
      i++;
    } else {
      blocks.push(<p key={i}>{inline(line)}</p>);
      i++;
    }
  }
  return <>{blocks}</>;
}
