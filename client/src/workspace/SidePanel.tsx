// Reports, timeline, RFI board and releases as tabs (arrow keys move between tabs). The fields
// the Timeline and the RFI board order their items by are read while the page is idle, so
// opening either reads none of them (readAhead.ts).
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { ReleasesPanel } from '../release/ReleasesPanel';
import { ReportsPanel } from '../reports/ReportsPanel';
import { RFI_KEY_FIELD, RfiBoard } from '../rfi/RfiBoard';
import { readFieldsWhenIdle } from '../session/readAhead';
import { TIMELINE_KEY_FIELD, TimelinePanel } from '../timeline/TimelinePanel';
import { useWorkspace } from './context';
import { ofKind, type WorkspaceTab } from './selectors';

const TABS: { id: WorkspaceTab; label: string }[] = [
  { id: 'reports', label: 'Reports' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'rfis', label: 'RFI board' },
  { id: 'releases', label: 'Releases' },
];

interface Props {
  tab: WorkspaceTab;
  onTab: (tab: WorkspaceTab) => void;
  openReportId: string | null;
  onOpenReport: (id: string | null) => void;
  /** Requests waiting for this FDO's decision, counted on the Releases tab. */
  pendingReleases: number;
}

export function SidePanel({ tab, onTab, openReportId, onOpenReport, pendingReleases }: Props) {
  const { session, releases, picture, snapshot } = useWorkspace();
  useEffect(() => {
    const ids = (kind: 'event' | 'rfi') => ofKind(snapshot.objects, kind).map((object) => object.id);
    return readFieldsWhenIdle(picture, [
      { ids: ids('event'), field: TIMELINE_KEY_FIELD },
      { ids: ids('rfi'), field: RFI_KEY_FIELD },
    ]);
  }, [picture, snapshot.objects]);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const index = (TABS.findIndex((t) => t.id === tab) + step + TABS.length) % TABS.length;
    onTab(TABS[index]!.id);
    buttons.current[index]?.focus();
  };

  return (
    <section className="side-panel">
      <div role="tablist" aria-label="Workspace panels" className="tabs" onKeyDown={onKeyDown}>
        {TABS.map((t, index) => (
          <button
            key={t.id}
            ref={(element) => {
              buttons.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => onTab(t.id)}
          >
            {t.label}
            {t.id === 'releases' && pendingReleases > 0 && (
              <span className="tab-count" aria-label={`${pendingReleases} to decide`}>
                {pendingReleases}
              </span>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'reports' && <ReportsPanel openReportId={openReportId} onOpenReport={onOpenReport} />}
        {tab === 'timeline' && <TimelinePanel />}
        {tab === 'rfis' && <RfiBoard />}
        {tab === 'releases' &&
          (session && releases ? (
            <ReleasesPanel board={releases} />
          ) : (
            <p className="muted">Return to your own view to handle release requests.</p>
          ))}
      </div>
    </section>
  );
}
