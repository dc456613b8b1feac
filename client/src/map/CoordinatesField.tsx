// Positions typed in any form staff use (MGRS, 26N 125E or 125E 26N, DMS, signed decimals in the
// order shown), checked as they are typed and echoed back as read before anything is saved.
import { useId, useState } from 'react';
import { formatPosition, formatPositions, ORDER_LABELS, parsePositions, type LonLat } from '../../../shared/geo/coordinates';
import { geometryFrom, type GeometryKind } from '../../../shared/geo/geometry';
import { setPositionPrefs, usePositionPrefs } from './positionPrefs';

interface Props {
  vertices: LonLat[];
  onVertices: (vertices: LonLat[]) => void;
  label: string;
  readOnly?: boolean;
  /** When set, what this shape cannot be (too few positions, crossing edges) is refused with a sentence. */
  shape?: GeometryKind;
}

export function CoordinatesField({ vertices, onVertices, label, readOnly, shape }: Props) {
  const id = useId();
  const { format, order } = usePositionPrefs();
  const formatted = formatPositions(vertices, format);
  const [text, setText] = useState(formatted);
  const [problem, setProblem] = useState<string | null>(null);
  const [echo, setEcho] = useState<string | null>(null);
  const [shown, setShown] = useState(formatted);

  // Positions placed on the map (or moved by someone else) replace what is typed, in the same
  // render: an effect would show the old positions for a frame, under the new ones' label.
  if (shown !== formatted) {
    setShown(formatted);
    setText(formatted);
    setProblem(null);
    setEcho(null);
  }

  const read = (value: string): LonLat[] | null => {
    try {
      const parsed = parsePositions(value, order);
      if (shape) geometryFrom(shape, parsed);
      setProblem(null);
      setEcho(parsed.length ? parsed.map((p) => `${formatPosition(p, 'dd')} (${formatPosition(p, 'mgrs')})`).join('; ') : null);
      return parsed;
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
      setEcho(null);
      return null;
    }
  };

  const commit = (value: string) => {
    setText(value);
    const parsed = read(value);
    if (parsed && formatPositions(parsed, format) !== formatted) onVertices(parsed);
  };

  return (
    <div className="coordinates">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={text}
        readOnly={readOnly}
        placeholder="e.g. 26N 125E · 51R YJ 00180 77215 · 26°30′N 125°15′E"
        aria-invalid={problem !== null}
        aria-describedby={`${id}-help ${id}-echo`}
        onChange={(event) => {
          setText(event.target.value);
          read(event.target.value);
        }}
        onBlur={(event) => commit(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit(event.currentTarget.value);
          }
        }}
      />
      <p id={`${id}-echo`} className={problem ? 'field-problem' : 'position-echo'} role={problem ? 'alert' : 'status'} data-testid="position-echo">
        {problem ?? (echo && text !== formatted ? `Read as ${echo}. Enter applies.` : '')}
      </p>
      <p id={`${id}-help`} className="muted">
        MGRS, degrees with N/S/E/W in either order, or DMS; positions separated by “;”. Plain decimals are read as{' '}
        <button type="button" className="link-button" onClick={() => setPositionPrefs({ order: order === 'lat-lon' ? 'lon-lat' : 'lat-lon' })} aria-label={`Plain decimals are read as ${ORDER_LABELS[order]}; switch the order`}>
          {ORDER_LABELS[order]}
        </button>
        .
      </p>
    </div>
  );
}
