// Export the map's features (GeoJSON or KML, built by the server from what this participant may
// see and hold, audited) and import GeoJSON or KML files. An import shows what it will create and
// how each feature will be marked before anything is created: the importer marks what comes in
// (the cell's default to start with) and a feature's own marking can only narrow that.
import { kml } from '@tmcw/togeojson';
import { useState } from 'react';
import { planImport, type ImportPlan } from '../../../shared/geo/interchange';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import { fetchFeatureExport } from '../session/api';
import { describeError } from '../session/errors';
import { ErrorMessage } from '../views/ErrorMessage';
import { useWorkspace } from '../workspace/context';
import { downloadText } from '../workspace/exportDownload';

function parseFile(name: string, text: string): unknown {
  if (/\.kml$/i.test(name) || text.trimStart().startsWith('<')) {
    const dom = new DOMParser().parseFromString(text, 'application/xml');
    if (dom.getElementsByTagName('parsererror').length > 0) throw new Error('The KML file is not well-formed XML.');
    return kml(dom);
  }
  return JSON.parse(text) as unknown;
}

export function MapExchange() {
  const { identity, session, snapshot, picker, cell, canEdit } = useWorkspace();
  const [file, setFile] = useState<{ name: string; data: unknown } | null>(null);
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const workspaceId = snapshot.workspace?.id;

  const exportAs = async (format: 'geojson' | 'kml') => {
    if (!workspaceId) return;
    setProblem(null);
    try {
      downloadText(`features-${workspaceId}.${format}`, await fetchFeatureExport(identity.token, workspaceId, format));
    } catch (error) {
      setProblem(`The features were not exported: ${describeError(error)}`);
    }
  };

  const plan: ImportPlan | null = file && marking?.ok ? planImport(file.data, { ...marking.marking, originator: identity.nation }, cell.policy) : null;

  const runImport = async () => {
    if (!session || !plan) return;
    setBusy(true);
    const failures: string[] = [];
    for (const feature of plan.features) {
      try {
        await session.createObject({ kind: 'feature', marking: feature.marking, fields: { name: feature.name, geometry: feature.geometry, ...(feature.sidc ? { sidc: feature.sidc } : {}) }, body: feature.description });
      } catch (error) {
        failures.push(`${feature.name}: ${describeError(error)}`);
      }
    }
    setBusy(false);
    setFile(null);
    setProblem(failures.length ? `Not imported: ${failures.join(' ')}` : null);
  };

  return (
    <>
      <button type="button" onClick={() => void exportAs('geojson')}>
        Export GeoJSON
      </button>
      <button type="button" onClick={() => void exportAs('kml')}>
        Export KML
      </button>
      {canEdit && (
        <label className="button-like">
          Import…
          <input
            type="file"
            className="visually-hidden"
            accept=".geojson,.json,.kml,application/geo+json,application/vnd.google-earth.kml+xml"
            onChange={async (event) => {
              const chosen = event.target.files?.[0];
              event.target.value = '';
              if (!chosen) return;
              try {
                setFile({ name: chosen.name, data: parseFile(chosen.name, await chosen.text()) });
                setProblem(null);
              } catch (error) {
                setProblem(`${chosen.name} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
              }
            }}
          />
        </label>
      )}
      {problem && !file && <ErrorMessage message={problem} />}
      {file && (
        <dialog open className="import-dialog panel" aria-label={`Import ${file.name}`}>
          <h3>Import {file.name}</h3>
          <p className="muted">Mark what comes in. A feature that carries its own marking keeps it if that is narrower: an import never widens.</p>
          <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} legend="Marking of the imported features" />
          {plan && (
            <>
              <p>
                {plan.features.length} feature{plan.features.length === 1 ? '' : 's'} to create
                {plan.refused.length > 0 && `, ${plan.refused.length} left out`}.
              </p>
              <ul className="import-plan">
                {plan.features.slice(0, 50).map((f, i) => (
                  <li key={i}>
                    {f.name}: {f.marking}
                    {f.note && ` (${f.note})`}
                  </li>
                ))}
                {plan.refused.map((reason, i) => (
                  <li key={`r${i}`} className="field-problem">
                    {reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={!plan || plan.features.length === 0 || busy} onClick={() => void runImport()}>
              Import {plan?.features.length ?? 0}
            </button>
            <button type="button" onClick={() => setFile(null)}>
              Cancel
            </button>
          </div>
        </dialog>
      )}
    </>
  );
}
