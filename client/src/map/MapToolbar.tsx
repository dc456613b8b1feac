// Map tools: add a point, line or area; zoom; back to the whole world.
import { useWorkspace } from '../workspace/context';
import { GEOMETRY_LABELS, type GeometryKind } from './geometry';

interface Props {
  drafting: GeometryKind | null;
  onDraft: (kind: GeometryKind | null) => void;
  onZoom: (factor: number) => void;
  onReset: () => void;
}

const KINDS: GeometryKind[] = ['Point', 'LineString', 'Polygon'];

export function MapToolbar({ drafting, onDraft, onZoom, onReset }: Props) {
  const { canEdit } = useWorkspace();
  return (
    <div className="map-toolbar" role="toolbar" aria-label="Map tools">
      {canEdit &&
        KINDS.map((kind) => (
          <button key={kind} type="button" aria-pressed={drafting === kind} onClick={() => onDraft(drafting === kind ? null : kind)}>
            Add {GEOMETRY_LABELS[kind]}
          </button>
        ))}
      <span className="toolbar-gap" />
      <button type="button" onClick={() => onZoom(1.5)} aria-label="Zoom in">
        +
      </button>
      <button type="button" onClick={() => onZoom(1 / 1.5)} aria-label="Zoom out">
        −
      </button>
      <button type="button" onClick={onReset}>
        World
      </button>
    </div>
  );
}
