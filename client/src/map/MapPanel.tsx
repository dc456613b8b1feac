// The common operational picture: an OpenLayers map of every feature the participant may see, on
// an offline basemap. Add points, lines and areas by clicking or typing positions (echoed as read);
// select a feature to edit it: drag its yellow handle to move it, drag a vertex to reshape a line or
// area, or Alt+arrow keys to step it (the distance is announced). Ctrl+Z undoes one's own map
// edits. Measure range and bearing, length, area and range rings; filter; import and export.
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { formatPosition, POSITION_FORMATS, type LonLat, type PositionFormat } from '../../../shared/geo/coordinates';
import { normaliseForWrite, translateGeometry, verticesOf, type FeatureGeometry, type GeometryKind } from '../../../shared/geo/geometry';
import { formatDistance } from '../../../shared/geo/measure';
import { formatPortion, rollUp } from '../../../shared/markings';
import type { CellTracks } from '../../../shared/rest';
import { fetchTracks } from '../session/api';
import { useDocKeys } from '../session/hooks';
import { markingOf } from '../markings/cell';
import { toneClass } from '../markings/toneClass';
import { useWorkspace } from '../workspace/context';
import { ofKind } from '../workspace/selectors';
import type { MapEngine, Overlay } from './engine';
import { FeatureDetails } from './FeatureDetails';
import { FeatureList } from './FeatureList';
import { applyFilter, SHOW_ALL, type MapFilter } from './filters';
import { MapFilters } from './MapFilters';
import { pictureAt, pictureStart } from './pictureTime';
import { mapFeaturesOf, mapKeyOf } from './mapFeatures';
import { MapToolbar } from './MapToolbar';
import { measureOverlay, MeasurePanel, today, type MeasureState } from './MeasurePanel';
import { NewFeatureForm } from './NewFeatureForm';
import { setPositionPrefs, usePositionPrefs } from './positionPrefs';
import { useTrackOverlay } from './TrackHistory';
import { MapUndo } from './undo';

const ARROWS: Record<string, [number, number, string]> = {
  ArrowLeft: [-1, 0, 'west'],
  ArrowRight: [1, 0, 'east'],
  ArrowUp: [0, 1, 'north'],
  ArrowDown: [0, -1, 'south'],
};

/** The keyboard step: about 24 screen pixels of ground, rounded to 1, 2 or 5 × a power of ten metres. */
function niceStep(metres: number): number {
  const power = 10 ** Math.floor(Math.log10(metres));
  return [1, 2, 5, 10].map((n) => n * power).find((n) => n >= metres) ?? 10 * power;
}

// Memoised: it takes no props, so only the workspace context re-renders it (not a tab opened beside it).
export const MapPanel = memo(function MapPanel() {
  const { snapshot, picture, setPresence, focus, byId, cell, canEdit, identity, session } = useWorkspace();
  const mapElement = useRef<HTMLDivElement>(null);
  const readoutElement = useRef<HTMLDivElement>(null);
  const scaleElement = useRef<HTMLDivElement>(null);
  const engine = useRef<MapEngine | null>(null);
  const undo = useMemo(() => new MapUndo(), []);
  const { format } = usePositionPrefs();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [draft, setDraft] = useState<{ kind: GeometryKind; vertices: LonLat[] } | null>(null);
  const [measure, setMeasure] = useState<MeasureState | null>(null);
  const [filter, setFilter] = useState<MapFilter>(SHOW_ALL);
  const [status, setStatus] = useState('');
  // A feature selected anywhere (map, "Show item", a new one) is brought into the feature list's view.
  const [listReveal, setListReveal] = useState<{ id: string; serial: number } | null>(null);
  // The whole picture replayed at a moment (null: live), with every visible feature's track loaded on entering it.
  const [replay, setReplay] = useState<{ at: number; start: number; end: number; tracks: CellTracks['tracks'] | null } | null>(null);

  const envelopes = ofKind(snapshot.objects, 'feature');
  const versions = useDocKeys(picture, envelopes.map((f) => f.id), mapKeyOf);
  const all = useMemo(() => mapFeaturesOf(picture, envelopes), [envelopes, versions]);
  // The tracks are read as oneself: while an FDO views the picture as a partner (no session) they would not be the partner's.
  const replayOffered = session !== null;
  useEffect(() => {
    if (!replayOffered) setReplay(null);
  }, [replayOffered]);
  const replayed = useMemo(() => (replay?.tracks ? pictureAt(all, replay.tracks, replay.at) : null), [all, replay]);
  const shown = useMemo(() => applyFilter(replayed?.features ?? all, filter, cell.policy, replay?.at ?? Date.now()), [all, replayed, filter, cell.policy]);
  const listed = useMemo(() => shown.map((f) => f.envelope), [shown]);
  const replaying = replay !== null;
  const workspaceId = snapshot.workspace?.id;
  useEffect(() => {
    if (!replay || replay.tracks || !workspaceId) return;
    let live = true;
    fetchTracks(identity.token, workspaceId)
      .then(({ tracks }) => live && setReplay((current) => current && { ...current, tracks }))
      .catch((error: unknown) => {
        if (!live) return;
        setReplay(null);
        setStatus(`The picture cannot be replayed: ${error instanceof Error ? error.message : String(error)}`);
      });
    return () => {
      live = false;
    };
  }, [replay === null, replay?.tracks === null]); // once on entering the replay, not per slider step
  const selected = envelopes.find((feature) => feature.id === selectedId) ?? null;
  const selectedFeature = all.find((f) => f.envelope.id === selectedId);
  const track = useTrackOverlay(selectedFeature);

  // Latest handlers for the engine's callbacks, which are bound once.
  const handlers = useRef({ click: (_p: LonLat, _id: string | null) => {}, edited: (_id: string, _g: FeatureGeometry) => {} });

  // The engine (OpenLayers, milsymbol, the basemap) is a chunk of its own: the workspace paints
  // without waiting for it, and the effects below run again once it is there.
  const [engineReady, setEngineReady] = useState(0);
  useEffect(() => {
    let disposed = false;
    let engineInstance: MapEngine | null = null;
    void import('./engine').then(({ MapEngine }) => {
      if (disposed) return;
      engineInstance = new MapEngine(
        mapElement.current!,
        readoutElement.current!,
        scaleElement.current!,
        { click: (p, id) => handlers.current.click(p, id), edited: (id, g) => handlers.current.edited(id, g) },
        (ids) => {
          const members = ids.map((id) => byIdRef.current.get(id)).filter((e) => e !== undefined);
          try {
            const marking = rollUp(members.map((e) => markingOf(e.marking, e.originator, cell.policy)), cell.policy);
            return { mark: formatPortion(marking, cell.policy), tone: toneClass(members[0]!, cell.policy) };
          } catch {
            return { mark: '', tone: 'tone-unknown' };
          }
        },
      );
      engine.current = engineInstance;
      setEngineReady((serial) => serial + 1);
    });
    return () => {
      disposed = true;
      engineInstance?.destroy();
      engine.current = null;
    };
  }, []);
  const byIdRef = useRef(byId);
  byIdRef.current = byId;

  useEffect(() => engine.current?.setFormat(format), [format, engineReady]);
  useEffect(() => engine.current?.setFeatures(shown, (f) => toneClass(f.envelope, cell.policy)), [shown, cell.policy, engineReady]);
  useEffect(() => engine.current?.setSelected(selectedId, canEdit && !draft && !measure && !replaying), [selectedId, canEdit, draft, measure, replaying, shown, engineReady]);
  useEffect(() => {
    const overlay: Overlay = { shapes: [] };
    if (draft && draft.vertices.length > 0) {
      const { kind, vertices } = draft;
      if (kind === 'Polygon' && vertices.length >= 3) overlay.shapes.push({ kind: 'draft', geometry: { type: 'Polygon', coordinates: [[...vertices, vertices[0]!]] } });
      else if (vertices.length >= 2) overlay.shapes.push({ kind: 'draft', geometry: { type: 'LineString', coordinates: vertices } });
      for (const vertex of vertices) overlay.shapes.push({ kind: 'draft', geometry: { type: 'Point', coordinates: vertex } });
    }
    if (measure) overlay.shapes.push(...measureOverlay(measure));
    overlay.shapes.push(...track);
    engine.current?.setOverlay(overlay);
  }, [draft, measure, track, engineReady]);

  const select = (id: string | null) => {
    setSelectedId(id);
    setPresence(id ? { objectId: id } : null);
    if (id) setListReveal((last) => ({ id, serial: (last?.serial ?? 0) + 1 }));
  };

  const commitGeometry = (id: string, geometry: FeatureGeometry, done?: string) => {
    const doc = picture.replica(id)?.doc;
    const checked = normaliseForWrite(geometry);
    if (!doc || !checked.ok) {
      setStatus(checked.ok ? 'This feature is no longer on the map.' : `Not moved: ${checked.reason}`);
      engine.current?.setFeatures([], () => '');
      engine.current?.setFeatures(shown, (f) => toneClass(f.envelope, cell.policy));
      return;
    }
    undo.edit(id, doc, (fields) => {
      fields.set('geometry', checked.geometry);
      fields.set('movedAt', new Date().toISOString());
    });
    setStatus(done ?? `Moved. Ctrl+Z undoes it.`);
  };

  handlers.current = {
    click: (position, id) => {
      if (draft) {
        setDraft({ ...draft, vertices: draft.kind === 'Point' ? [position] : [...draft.vertices, position] });
        return;
      }
      if (measure) {
        setMeasure({ ...measure, points: measure.tool === 'range' || measure.tool === 'ring' ? [...measure.points, position].slice(-2) : [...measure.points, position] });
        return;
      }
      select(id);
    },
    edited: (id, geometry) => commitGeometry(id, geometry, `Moved to ${formatPosition(verticesOf(geometry)[0]!, format)}. Ctrl+Z undoes it.`),
  };

  // "Show item" and a new tearline open a feature by selecting it and bringing it into view.
  const focusedFeature = focus && byId.get(focus.id)?.kind === 'feature' ? focus : null;
  useEffect(() => {
    if (!focusedFeature) return;
    setDraft(null);
    select(focusedFeature.id);
    engine.current?.showFeature(focusedFeature.id);
  }, [focusedFeature?.serial]); // one selection per request, not per render
  // A feature selected before the engine was there is brought into view when it arrives.
  useEffect(() => {
    if (selectedId) engine.current?.showFeature(selectedId);
  }, [engineReady]); // only when an engine arrives

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      const docOf = (id: string) => picture.replica(id)?.doc;
      const id = event.shiftKey ? undo.redo(docOf) : undo.undo(docOf);
      setStatus(id ? `${event.shiftKey ? 'Redone' : 'Undone'}: the last map edit of yours.` : 'Nothing of yours to undo on the map.');
      return;
    }
    const arrow = ARROWS[event.key];
    if (!arrow || !event.altKey || !selectedFeature || !canEdit || replaying || !engine.current) return;
    event.preventDefault();
    const step = niceStep(engine.current.groundResolution() * (event.shiftKey ? 4 : 24));
    const lat = verticesOf(selectedFeature.geometry)[0]![1];
    const dLat = (arrow[1] * step) / 111_320;
    const dLon = (arrow[0] * step) / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    try {
      commitGeometry(selectedFeature.envelope.id, translateGeometry(selectedFeature.geometry, dLon, dLat), `Moved ${selectedFeature.name} ${formatDistance(step)} ${arrow[2]}. Ctrl+Z undoes it.`);
    } catch (error) {
      setStatus(`Not moved: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const formats = Object.entries(POSITION_FORMATS) as [PositionFormat, string][];

  return (
    <section className="map-panel" aria-label="Map" onKeyDown={onKeyDown}>
      <MapToolbar
        drafting={draft?.kind ?? null}
        onDraft={(kind) => {
          setMeasure(null);
          setDraft(kind ? { kind, vertices: [] } : null);
          if (kind) select(null);
        }}
        measuring={measure?.tool ?? null}
        onMeasure={(tool) => {
          setDraft(null);
          setMeasure(tool ? { tool, points: [], radiusNm: 25, date: today() } : null);
        }}
        onZoom={(delta) => engine.current?.zoomBy(delta)}
        onWorld={() => engine.current?.world()}
        onFit={() => engine.current?.fitAll()}
      />
      <div
        ref={mapElement}
        className={`map ${draft || measure ? 'drafting' : ''}`}
        data-testid="map"
        tabIndex={0}
        role="application"
        aria-roledescription="map"
        aria-label={
          draft
            ? `Map: click to place the ${draft.kind === 'Polygon' ? 'area' : draft.kind.toLowerCase()}'s positions`
            : selectedFeature && canEdit
              ? `Map. Selected: ${selectedFeature.name}. Alt+arrow keys move it, Ctrl+Z undoes.`
              : 'Map of features. Arrow keys pan, + and − zoom.'
        }
      >
        {/* Over the map until its chunk is there, so a click on it is never lost. */}
        {!engineReady && (
          <div className="map-loading" role="status">
            Loading the map…
          </div>
        )}
      </div>
      <div className="map-status">
        <div ref={readoutElement} className="map-readout" data-testid="map-readout" aria-label="Position under the pointer" />
        <label className="readout-format">
          <span>Positions in</span>
          <select value={format} onChange={(e) => setPositionPrefs({ format: e.target.value as PositionFormat })} aria-label="Position format">
            {formats.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <div ref={scaleElement} className="map-scale" aria-hidden="true" />
      </div>
      <p className="map-message" role="status" data-testid="map-message">
        {status}
      </p>
      {measure && <MeasurePanel state={measure} onChange={setMeasure} />}
      <MapFilters
        filter={filter}
        onChange={setFilter}
        shown={shown.length}
        total={all.length}
        replay={{
          offered: replayOffered,
          at: replay?.at ?? null,
          start: replay?.start ?? 0,
          end: replay?.end ?? 0,
          unknown: replayed?.unknown ?? 0,
          loading: replaying && !replay.tracks,
          onChange: (at) => {
            if (at === null) return setReplay(null);
            if (replay) return setReplay({ ...replay, at });
            const now = Date.now();
            setReplay({ at: now, start: pictureStart(all, now), end: now, tracks: null });
          },
        }}
      />
      <div className="map-below">
        <FeatureList
          features={listed}
          selectedId={selectedId}
          reveal={listReveal}
          onSelect={(id) => {
            select(id);
            engine.current?.showFeature(id);
          }}
        />
        {draft ? (
          <NewFeatureForm
            kind={draft.kind}
            vertices={draft.vertices}
            onVertices={(vertices) => setDraft({ ...draft, vertices })}
            onDone={(id) => {
              setDraft(null);
              if (id) select(id);
            }}
          />
        ) : (
          selected && (
            <FeatureDetails
              feature={selected}
              onClose={() => select(null)}
              onGeometry={(geometry) => commitGeometry(selected.id, geometry, `Moved to ${formatPosition(verticesOf(geometry)[0]!, format)}. Ctrl+Z undoes it.`)}
            />
          )
        )}
      </div>
    </section>
  );
});
