// Map tools: add a point, line or area; measure; zoom; fit to the features; back to the world;
// import and export.
import { GEOMETRY_LABELS, type GeometryKind } from '../../../shared/geo/geometry';
import { useWorkspace } from '../workspace/context';
import { MapExchange } from './MapExchange';
import { MEASURE_LABELS, type MeasureTool } from './MeasurePanel';

interface Props {
  drafting: GeometryKind | null;
  onDraft: (kind: GeometryKind | null) => void;
  measuring: MeasureTool | null;
  onMeasure: (tool: MeasureTool | null) => void;
  onZoom: (delta: number) => void;
  onWorld: () => void;
  onFit: () => void;
}

const KINDS: GeometryKind[] = ['Point', 'LineString', 'Polygon'];

export function MapToolbar({ drafting, onDraft, measuring, onMeasure, onZoom, onWorld, onFit }: Props) {
  const { canEdit } = useWorkspace();
  return (
    <div className="map-toolbar" role="toolbar" aria-label="Map tools">
      {canEdit &&
        KINDS.map((kind) => (
          <button key={kind} type="button" aria-pressed={drafting === kind} onClick={() => onDraft(drafting === kind ? null : kind)}>
            Add {GEOMETRY_LABELS[kind]}
          </button>
        ))}
      <label className="measure-select">
        <span className="visually-hidden">Measure</span>
        <select aria-label="Measure" value={measuring ?? ''} onChange={(e) => onMeasure((e.target.value || null) as MeasureTool | null)}>
          <option value="">Measure…</option>
          {(Object.entries(MEASURE_LABELS) as [MeasureTool, string][]).map(([tool, label]) => (
            <option key={tool} value={tool}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <span className="toolbar-gap" />
      <MapExchange />
      <button type="button" onClick={() => onZoom(1)} aria-label="Zoom in">
        +
      </button>
      <button type="button" onClick={() => onZoom(-1)} aria-label="Zoom out">
        −
      </button>
      <button type="button" onClick={onFit}>
        Fit
      </button>
      <button type="button" onClick={onWorld}>
        World
      </button>
    </div>
  );
}
