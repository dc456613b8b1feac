// "Spin up a cell": name, coalition template, members, system high, default marking, exercise,
// and the release policy (how long FDOs have to decide; whether silence releases). Everything has
// a sensible default, so a cell is a few clicks away; a crisis cell sets its deadline in minutes.
import { useEffect, useState, type FormEvent } from 'react';
import type { WorkspaceSummary } from '../../../shared/protocol';
import { defaultPolicy } from '../../../shared/markings';
import { cellMarkings, unknownNames } from '../markings/cell';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import { createWorkspace, listTemplates, type CellTemplate } from '../session/api';
import { describeError } from '../session/errors';
import { isFdo, type Identity } from '../session/identity';
import { ErrorMessage } from './ErrorMessage';
import { defaultMarkingFor } from '../../../shared/cellDefaults';

interface Props {
  identity: Identity;
  onCreated: (workspace: WorkspaceSummary) => void;
  onCancel: () => void;
}

type DeadlineUnit = 'minutes' | 'hours';
const UNIT_MINUTES: Record<DeadlineUnit, number> = { minutes: 1, hours: 60 };
/** The server's bounds: six seconds (drills) to 90 days. */
const DEADLINE_MIN_MINUTES = 0.1;
const DEADLINE_MAX_MINUTES = 90 * 24 * 60;

function splitNames(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((name) => name.trim().toUpperCase()).filter(Boolean))];
}

export function SpinUpCell({ identity, onCreated, onCancel }: Props) {
  const [templates, setTemplates] = useState<readonly CellTemplate[] | null>(null);
  const [templateId, setTemplateId] = useState('fvey');
  const [name, setName] = useState('');
  const [membersText, setMembersText] = useState('');
  const [systemHigh, setSystemHigh] = useState('SECRET');
  const [exercise, setExercise] = useState(false);
  const [deadlineText, setDeadlineText] = useState('72');
  const [deadlineUnit, setDeadlineUnit] = useState<DeadlineUnit>('hours');
  const [autoRelease, setAutoRelease] = useState(false);
  const [ownNationAuto, setOwnNationAuto] = useState(false);
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    listTemplates(identity.token).then(
      (list) => {
        if (!live) return;
        setTemplates(list);
        const first = list.find((t) => t.id === 'fvey') ?? list[0];
        if (first) chooseTemplate(first);
      },
      (failure: unknown) => live && setError(`Could not load the cell templates: ${describeError(failure)}`),
    );
    return () => {
      live = false;
    };
  }, [identity.token]);

  function chooseTemplate(template: CellTemplate) {
    setTemplateId(template.id);
    setMembersText(template.members.join(', '));
  }

  const template = templates?.find((t) => t.id === templateId);
  const members = splitNames(membersText);
  const groups = template?.groups ?? {};
  // Cheap to rebuild: the policy behind it is memoised by the markings engine.
  const cell = cellMarkings({ members: members.length > 0 ? members : [identity.nation], groups, systemHigh });
  const context = { cell, author: identity };
  // For an ad hoc coalition it follows the members typed above it (until another is picked).
  const suggestedMarking = defaultMarkingFor(template?.defaultMarking, cell.members);
  const unknown = unknownNames(members, cell.policy);
  const membersProblem = unknown.length > 0 ? `Not a country trigraph or group: ${unknown.join(', ')}.` : null;
  const deadlineMinutes = Number(deadlineText) * UNIT_MINUTES[deadlineUnit];
  const deadlineProblem =
    !deadlineText.trim() || !Number.isFinite(deadlineMinutes)
      ? 'Give the decision deadline as a number.'
      : deadlineMinutes < DEADLINE_MIN_MINUTES || deadlineMinutes > DEADLINE_MAX_MINUTES
        ? 'The decision deadline must be between 0.1 minutes (6 seconds) and 90 days.'
        : null;
  const problem =
    membersProblem
      ? membersProblem
      : members.length === 0
        ? 'List at least one member nation or group.'
        : !name.trim()
          ? 'Give the cell a name.'
          : marking && !marking.ok
            ? marking.problem
            : deadlineProblem;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (problem || !marking?.ok) {
      setError(problem ?? 'Choose a default marking.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await createWorkspace(identity.token, {
          name: name.trim(),
          template: templateId,
          members,
          groups,
          systemHigh,
          defaultMarking: marking.banner,
          exercise,
          releasePolicy: { deadlineMinutes, autoRelease, autoReleaseNations: autoRelease && ownNationAuto ? [identity.nation] : [] },
        }),
      );
    } catch (failure) {
      setError(`The cell was not created: ${describeError(failure)}`);
      setBusy(false);
    }
  };

  return (
    <form className="spin-up panel" onSubmit={submit} aria-labelledby="spin-up-title">
      <h2 id="spin-up-title">Spin up a cell</h2>
      <div className="form-grid">
        <label htmlFor="cell-name">Cell name</label>
        <input id="cell-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Strait watch" autoFocus required />

        <span id="template-label">Coalition</span>
        <div role="radiogroup" aria-labelledby="template-label" className="template-choices">
          {(templates ?? []).map((t) => (
            <label key={t.id} className="check">
              <input type="radio" name="template" value={t.id} checked={t.id === templateId} onChange={() => chooseTemplate(t)} />
              {t.name}
            </label>
          ))}
          {templates === null && <span className="muted">Loading templates…</span>}
        </div>

        <label htmlFor="cell-members">Members</label>
        <div>
          <input
            id="cell-members"
            value={membersText}
            onChange={(e) => setMembersText(e.target.value)}
            aria-describedby="cell-members-help"
            aria-invalid={membersProblem !== null}
            placeholder="USA, GBR, JPN"
          />
          {/* Checked as typed: an unknown code is named at once, not only when the form is sent. */}
          <p id="cell-members-help" className={membersProblem ? 'field-problem' : 'muted'} data-testid="members-help">
            {membersProblem ??
              `Country trigraphs or groups, separated by commas. Nations: ${cell.members.join(', ') || 'none'}.`}
          </p>
        </div>

        <label htmlFor="cell-system-high">System high</label>
        <select id="cell-system-high" value={systemHigh} onChange={(e) => setSystemHigh(e.target.value)}>
          {defaultPolicy.levels.map((level) => (
            <option key={level.code} value={level.name}>
              {level.name}
            </option>
          ))}
        </select>

        <span className="label">Default marking</span>
        <MarkingPicker
          key={`${templateId}|${suggestedMarking}`}
          context={context}
          initial={suggestedMarking}
          onChange={setMarking}
          legend="Default marking of new items"
        />

        <span className="label">Exercise</span>
        <label className="check">
          <input type="checkbox" checked={exercise} onChange={(e) => setExercise(e.target.checked)} />
          Exercise cell (banners read EXERCISE)
        </label>

        <label htmlFor="cell-deadline">Release decision deadline</label>
        <div>
          <div className="deadline-fields">
            <input
              id="cell-deadline"
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={deadlineText}
              onChange={(e) => setDeadlineText(e.target.value)}
              aria-describedby="cell-deadline-help"
            />
            <select aria-label="Deadline unit" value={deadlineUnit} onChange={(e) => setDeadlineUnit(e.target.value as DeadlineUnit)}>
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
            </select>
          </div>
          <p id="cell-deadline-help" className={deadlineProblem ? 'field-problem' : 'muted'}>
            {deadlineProblem ?? 'How long the originator’s FDOs have to decide a release request. Crisis cells: minutes.'}
          </p>
          <label className="check">
            <input type="checkbox" checked={autoRelease} onChange={(e) => setAutoRelease(e.target.checked)} />
            Allow automatic release when no FDO has decided by the deadline (never ORCON items)
          </label>
          {autoRelease &&
            (isFdo(identity) ? (
              <label className="check">
                <input type="checkbox" checked={ownNationAuto} onChange={(e) => setOwnNationAuto(e.target.checked)} />
                Release {identity.nation} material automatically (you are an FDO of {identity.nation})
              </label>
            ) : (
              <p className="muted">Only material whose nation’s FDOs opt in (in the Releases tab) is released automatically; the rest expires at the deadline.</p>
            ))}
        </div>
      </div>
      <ErrorMessage message={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create cell'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
