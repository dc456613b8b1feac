// One report: its title, its roll-up over what this reader sees, and its paragraphs in order,
// each with its own portion mark.
import { useState } from 'react';
import { rolledUpBanner } from '../markings/banner';
import { PortionMark } from '../markings/PortionMark';
import { FieldInput } from '../text/FieldInput';
import { useWorkspace } from '../workspace/context';
import { ObjectActions } from '../workspace/ObjectActions';
import { paragraphsOf } from '../workspace/selectors';
import { AddPortionForm } from './AddPortionForm';
import { dropKey, stepKey } from './placement';
import { PortionBlock } from './PortionBlock';
import { UndoDeletion, type Deleted } from './UndoDeletion';

export function ReportView({ reportId, onClose }: { reportId: string; onClose: () => void }) {
  const { byId, snapshot, picture, cell, canEdit, setPresence, session } = useWorkspace();
  const [deleted, setDeleted] = useState<Deleted | null>(null);
  const report = byId.get(reportId);
  if (!report) return null;
  const portions = paragraphsOf(snapshot.objects, reportId);
  const rollUp = rolledUpBanner([report, ...portions], cell.policy);
  const last = portions.at(-1);

  return (
    <article className="report" aria-label="Report" data-report-id={report.id}>
      <button type="button" className="link-button" onClick={onClose}>
        ← All reports
      </button>
      <header className="report-header">
        <PortionMark portion={report.portion} marking={report.marking} originator={report.originator} policy={cell.policy} />
        <FieldInput
          replica={picture.replica(report.id)}
          field="title"
          label="Report title"
          className="report-title"
          readOnly={!canEdit}
          onFocus={() => setPresence({ objectId: report.id })}
        />
        <ObjectActions envelope={report} />
      </header>
      <p className="report-rollup">
        Overall marking of what you see: <strong data-testid="report-rollup">{rollUp.text}</strong>
      </p>
      {deleted && <UndoDeletion deleted={deleted} onDone={() => setDeleted(null)} />}
      {portions.length === 0 && <p className="muted">No paragraphs you can see yet.</p>}
      <ol className="portions" aria-label="Paragraphs">
        {portions.map((portion, index) => (
          <li key={portion.id}>
            <PortionBlock
              portion={portion}
              nextKey={portions[index + 1]?.orderKey ?? null}
              upKey={stepKey(portions, index, -1)}
              downKey={stepKey(portions, index, 1)}
              onDropBefore={(movedId) => {
                const key = dropKey(portions, movedId, portion.id);
                if (key && session) void session.moveObject(movedId, key);
              }}
              onDeleted={setDeleted}
            />
          </li>
        ))}
      </ol>
      {canEdit && <AddPortionForm reportId={report.id} after={last?.orderKey ?? null} before={null} />}
    </article>
  );
}
