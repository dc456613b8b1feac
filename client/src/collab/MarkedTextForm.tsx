// A text and the marking it goes with, posted as one action: a comment, a reply or an RFI's answer.
// The marking starts as that of what the text is on; the server refuses a wider one, and the
// refusal is shown here.
import { useState, type ReactNode } from 'react';
import { ErrorMessage } from '../views/ErrorMessage';
import { useAction } from '../workspace/useAction';

interface Props {
  /** The marking of what the text is on: the text's marking to start with. */
  onMarking: string;
  textLabel: string;
  rows: number;
  /** The browser refuses an empty text before it is sent. */
  required?: boolean;
  markingLabel: string;
  submitLabel: string;
  /** Sends the text; the form is emptied and `onSent` called once it is accepted. */
  send: (text: string, marking: string) => Promise<unknown>;
  onSent?: () => void;
  /** Shown under the text (a comment's mention picker), given what is typed. */
  underText?: (text: string, marking: string, setText: (text: string) => void) => ReactNode;
}

export function MarkedTextForm({ onMarking, textLabel, rows, required, markingLabel, submitLabel, send, onSent, underText }: Props) {
  const [text, setText] = useState('');
  const [marking, setMarking] = useState(onMarking);
  const action = useAction();
  const submit = async () => {
    if (!(await action.run(() => send(text, marking)))) return;
    setText('');
    onSent?.();
  };
  return (
    <form
      className="comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        {textLabel}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={rows} required={required} />
      </label>
      {underText?.(text, marking, setText)}
      <label>
        {markingLabel}
        <input value={marking} onChange={(e) => setMarking(e.target.value)} />
      </label>
      <button type="submit" disabled={action.busy || !text.trim()}>
        {submitLabel}
      </button>
      {action.error && <ErrorMessage message={action.error} />}
    </form>
  );
}
