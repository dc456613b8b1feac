// Builds a marking from choices that can only be valid: levels up to the author's clearance and
// the cell's system high, compartments and ORCON where the level allows them, REL TO from the
// cell's nations and groups, NOFORN (alone for HCS and KDK). It says in plain words who will and
// will not see the item. Beside it, the same marking typed in CAPCO syntax, checked as typed.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { formatBanner, parseMarking } from '../../../shared/markings';
import { nationName } from '../nations';
import {
  allowedCompartments,
  allowedLevels,
  audienceSentence,
  audienceSummary,
  choiceToMarking,
  initialChoice,
  lockedOrcon,
  lockedPartners,
  normalizeChoice,
  orconAllowed,
  partnerOptions,
  releaseOptions,
  type PickerChoice,
  type PickerContext,
  type PickerResult,
  type Release,
} from './pickerModel';
import { checkTyped, TypedMarking } from './TypedMarking';

interface Props {
  context: PickerContext;
  /** Marking text to start from (e.g. the cell's default or the item's current marking). */
  initial?: string;
  onChange: (result: PickerResult) => void;
  legend?: string;
}

const RELEASE_LABELS: Record<Release, string> = {
  everyone: 'No release control (everyone)',
  relTo: 'REL TO partners',
  noforn: 'NOFORN (own nation only)',
};

export function MarkingPicker({ context, initial, onChange, legend = 'Marking' }: Props) {
  const id = useId();
  const [choice, setChoice] = useState<PickerChoice>(() => initialChoice(initial, context));
  // What the author typed, while they type; null once they use the controls (the field then shows the result).
  const [typed, setTyped] = useState<string | null>(null);
  // The cell or the author's clearance may change under a held choice: show and use it normalised.
  const current = useMemo(() => normalizeChoice(choice, context), [choice, context]);
  const result = useMemo(() => choiceToMarking(current, context), [current, context]);
  const resultKey = result.ok ? result.banner : `!${result.problem}`;

  // Report each distinct outcome once (a new `onChange` identity is not a new outcome).
  const reported = useRef<string | null>(null);
  useEffect(() => {
    if (reported.current === resultKey) return;
    reported.current = resultKey;
    onChange(result);
  });

  const update = (patch: Partial<PickerChoice>) => {
    setTyped(null);
    setChoice((current) => normalizeChoice({ ...current, ...patch }, context));
  };
  const type = (text: string, parses: boolean) => {
    setTyped(text);
    if (parses) setChoice(initialChoice(text, context));
  };
  const originator = context.widerThan?.originator ?? context.author.nation;
  const typedBanner = typed !== null && checkTyped(typed, originator, context.cell.policy).ok ? formatBanner(parseMarking(typed, context.cell.policy), context.cell.policy) : null;
  const toggle = (list: string[], name: string, on: boolean) => (on ? [...list, name] : list.filter((n) => n !== name));
  const levels = allowedLevels(context);
  const compartments = allowedCompartments(context, current.classification);
  const partners = partnerOptions(context);
  const locked = lockedPartners(context);
  const orconLocked = lockedOrcon(context) !== null;
  const audience = result.ok ? audienceSummary(result.marking, context) : null;

  return (
    <fieldset className="marking-picker">
      <legend>{legend}</legend>
      <div className="picker-row">
        <label htmlFor={`${id}-level`}>Classification</label>
        <select id={`${id}-level`} value={current.classification} onChange={(e) => update({ classification: e.target.value })}>
          {levels.map((level) => (
            <option key={level.code} value={level.code}>
              {level.name}
            </option>
          ))}
        </select>
      </div>
      {compartments.length > 0 && (
        <fieldset className="picker-group">
          <legend>SCI compartments</legend>
          {compartments.map((compartment) => (
            <label key={compartment} className="check">
              <input
                type="checkbox"
                checked={current.compartments.includes(compartment)}
                onChange={(e) => update({ compartments: toggle(current.compartments, compartment, e.target.checked) })}
              />
              {compartment}
            </label>
          ))}
        </fieldset>
      )}
      <fieldset className="picker-group">
        <legend>Release</legend>
        {releaseOptions(current, context).map((release) => (
          <label key={release} className="check">
            <input
              type="radio"
              name={`${id}-release`}
              value={release}
              checked={current.release === release}
              onChange={() => update({ release })}
            />
            {RELEASE_LABELS[release]}
          </label>
        ))}
      </fieldset>
      {current.release === 'relTo' && (
        <fieldset className="picker-group partners">
          <legend>Release to (your nation, {context.author.nation}, is always included)</legend>
          {[...partners.groups, ...partners.nations].map((name) => (
            <label key={name} className="check" title={locked.includes(name) ? `${nationName(name)}: already released to` : nationName(name)}>
              <input
                type="checkbox"
                checked={current.relTo.includes(name)}
                disabled={locked.includes(name)}
                onChange={(e) => update({ relTo: toggle(current.relTo, name, e.target.checked) })}
              />
              {name}
            </label>
          ))}
          {partners.groups.length + partners.nations.length === 0 && (
            <p className="muted">This cell has no other nation to release to.</p>
          )}
        </fieldset>
      )}
      {(orconLocked || orconAllowed(current.classification, context)) && (
        <label className="check">
          <input type="checkbox" checked={current.orcon} disabled={orconLocked} onChange={(e) => update({ orcon: e.target.checked })} />
          ORCON (originator controls further release)
        </label>
      )}
      <TypedMarking value={typed ?? (result.ok ? result.banner : '')} typed={typed !== null} originator={originator} policy={context.cell.policy} onType={type} />
      {typedBanner && result.ok && typedBanner !== result.banner && (
        <p className="muted" data-testid="typed-adjusted">
          Here the marking can only be {result.banner}: the choices above are what you may give this item.
        </p>
      )}
      <div className="picker-result" aria-live="polite">
        {result.ok ? (
          <>
            <div>
              <span className="portion-mark">{result.portion}</span> <span className="picker-banner">{result.banner}</span>
            </div>
            <p className="audience" data-testid="audience">
              {audienceSentence(audience!)}
            </p>
            {audience!.conditions.length > 0 && <p className="muted">Within those nations: {audience!.conditions.join('; ')}.</p>}
          </>
        ) : (
          <p className="picker-problem" role="alert">
            {result.problem}
          </p>
        )}
      </div>
    </fieldset>
  );
}
