// Reports: the list (title and mark of each) and the open report.
import { PortionMark } from '../markings/PortionMark';
import { useWorkspace } from '../workspace/context';
import { ObjectTitle } from '../workspace/ObjectTitle';
import { ofKind } from '../workspace/selectors';
import { NewReportForm } from './NewReportForm';
import { ReportView } from './ReportView';

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
      <ul className="report-list">
        {reports.map((report) => (
          <li key={report.id}>
            <button type="button" className="report-link" onClick={() => onOpenReport(report.id)}>
              <PortionMark portion={report.portion} marking={report.marking} originator={report.originator} policy={cell.policy} />{' '}
              <ObjectTitle id={report.id} fallback="Untitled report" />
            </button>
          </li>
        ))}
      </ul>
      {canEdit && <NewReportForm onCreated={onOpenReport} />}
    </div>
  );
}
