// Positions typed as "lon lat; lon lat", validated as they are typed.
import { useEffect, useId, useState } from 'react';
import { formatVertices, geometryFrom, parseVertices, type GeometryKind } from './geometry';

interface Props {
  vertices: [number, number][];
  onVertices: (vertices: [number, number][]) => void;
  label: string;
  readOnly?: boolean;
  /** When set, fewer positions than this shape needs are refused with a sentence. */
  shape?: GeometryKind;
}

export function CoordinatesField({ vertices, onVertices, label, readOnly, shape }: Props) {
  const id = useId();
  const formatted = formatVertices(vertices);
  const [text, setText] = useState(formatted);
  const [problem, setProblem] = useState<string | null>(null);

  // Positions placed on the map (or moved by someone else) replace what is typed.
  useEffect(() => {
    setText(formatted);
    setProblem(null);
  }, [formatted]);

  const commit = (value: string) => {
    setText(value);
    try {
      const parsed = parseVertices(value);
      if (shape) geometryFrom(shape, parsed);
      setProblem(null);
      if (formatVertices(parsed) !== formatted) onVertices(parsed);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div className="coordinates">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={text}
        readOnly={readOnly}
        placeholder="longitude latitude; …  e.g. 44.5 12.8"
        aria-invalid={problem !== null}
        aria-describedby={`${id}-help`}
        onChange={(event) => setText(event.target.value)}
        onBlur={(event) => commit(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit(event.currentTarget.value);
          }
        }}
      />
      <p id={`${id}-help`} className={problem ? 'field-problem' : 'muted'} role={problem ? 'alert' : undefined}>
        {problem ?? 'Longitude then latitude in degrees, positions separated by “;”. Enter applies.'}
      </p>
    </div>
  );
}
