// The marking typed in CAPCO syntax, for those who know it, beside the picker's plain words. It is
// parsed as it is typed with the server's own parser and its originator rules (a REL TO list names
// the originating nation; RELIDO marks US material only); a fault shows the sentence and a caret
// under the offending token.
import { useId } from 'react';
import { checkOriginatorRules, MarkingError, parseMarking, type MarkingPolicy } from '../../../shared/markings';

export type TypedCheck = { ok: true } | { ok: false; message: string; position: number; length: number };

export function checkTyped(text: string, originator: string, policy: MarkingPolicy): TypedCheck {
  try {
    checkOriginatorRules(text, { ...parseMarking(text, policy), originator }, policy);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof MarkingError)) throw error;
    return { ok: false, message: error.message, position: Math.max(0, error.position), length: Math.max(1, error.token.length) };
  }
}

interface Props {
  value: string;
  /** The author typed `value` (else it is the picker's result, or empty while it has none): check it. */
  typed: boolean;
  /** The nation the material comes from: what its REL TO list must name. */
  originator: string;
  policy: MarkingPolicy;
  /** Called with each edit and, when it parses, true. */
  onType: (text: string, parses: boolean) => void;
}

export function TypedMarking({ value, typed, originator, policy, onType }: Props) {
  const id = useId();
  const check: TypedCheck = typed ? checkTyped(value, originator, policy) : { ok: true };
  return (
    <div className="typed-marking">
      <label htmlFor={`${id}-typed`}>Or type the marking (CAPCO)</label>
      <input
        id={`${id}-typed`}
        className="typed-marking-input"
        value={value}
        spellCheck={false}
        autoComplete="off"
        aria-invalid={!check.ok}
        aria-describedby={check.ok ? undefined : `${id}-fault`}
        onChange={(e) => onType(e.target.value, checkTyped(e.target.value, originator, policy).ok)}
      />
      {!check.ok && (
        <div id={`${id}-fault`} className="typed-marking-fault" role="alert">
          <pre className="typed-marking-caret" aria-hidden="true">
            {value}
            {'\n'}
            {' '.repeat(check.position)}
            {'^'.repeat(Math.min(check.length, Math.max(1, value.length - check.position)))}
          </pre>
          <p>
            {check.message} (at character {check.position + 1})
          </p>
        </div>
      )}
    </div>
  );
}
