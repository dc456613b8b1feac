// Reports: the list (title and mark of each, only those in view mounted) and the open report.
import type { Envelope } from '../../../shared/protocol';
import { PortionMark } from '../markings/PortionMark';
import { VirtualList } from '../views/VirtualList';
import { useWorkspace } from '../workspace/context';
import { ObjectTitle } from '../workspace/ObjectTitle';
import { ofKind } from '../workspace/selectors';
import { CrossNationSetting } from '../suggestions/CrossNationSetting';
import { NewReportForm } from './NewReportForm';
import { ReportView } from './ReportView';

/** A list entry's height before it is measured, in px. */
const ENTRY_ESTIMATE_PX = 34;

const idOf = (report: Envelope) => report.id;

interface Props {
  openReportId: string | null;
  onOpenReport: (id: string | null) => void;
}

export function ReportsPanel({ openReportId, onOpenReport }: Props) {
  const { snapshot, cell, canEdit } = useWorkspace();
  if (openReportId) return <ReportView reportId={openReportId} onClose={() => onOpenReport(null)} />;
  const reports = ofKind(snapshot.objects, 'report');
  return (
    <div className="reports-panel">
      <h2>Reports</h2>
      {reports.length === 0 && <p className="muted">No reports yet.</p>}
      <VirtualList
        className="report-list"
        items={reports}
        keyOf={idOf}
        estimate={ENTRY_ESTIMATE_PX}
        render={(report) => (
          <button type="button" className="report-link" onClick={() => onOpenReport(report.id)}>
            <PortionMark portion={report.portion} marking={report.marking} originator={report.originator} policy={cell.policy} />{' '}
            <ObjectTitle id={report.id} fallback="Untitled report" />
          </button>
        )}
      />
      {canEdit && <NewReportForm onCreated={onOpenReport} />}
      <CrossNationSetting />
    </div>
  );
}
