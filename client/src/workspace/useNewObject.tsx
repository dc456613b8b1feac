// What every "new object" form shares: the marking picked for it (the cell's default to start
// with), and creating the object with that marking, busy and refusals kept as useAction does.
import { useState, type ReactNode } from 'react';
import type { Envelope } from '../../../shared/protocol';
import { MarkingPicker } from '../markings/MarkingPicker';
import type { PickerResult } from '../markings/pickerModel';
import type { NewObject } from '../session/workspaceSession';
import { useWorkspace } from './context';
import { useAction, type Action } from './useAction';

export interface NewObjectForm {
  action: Action;
  /** The picked marking is one the object may have. */
  markingOk: boolean;
  /** The marking picker, under `legend` when given. */
  markingPicker: (legend?: string) => ReactNode;
  /**
   * Creates the object `draft` makes, with the picked marking: its envelope, or null when there
   * is no session or valid marking, or when it failed (`action.error` then says why, after
   * `failurePrefix`). `draft` runs inside the action, so a draft that cannot be made is reported too.
   */
  create: (draft: () => Omit<NewObject, 'marking'>, failurePrefix: string) => Promise<Envelope | null>;
}

export function useNewObject(): NewObjectForm {
  const { session, picker, snapshot } = useWorkspace();
  const [marking, setMarking] = useState<PickerResult | null>(null);
  const action = useAction();
  const create = async (draft: () => Omit<NewObject, 'marking'>, failurePrefix: string) => {
    if (!session || !marking?.ok) return null;
    let created: Envelope | null = null;
    const done = await action.run(async () => {
      created = await session.createObject({ ...draft(), marking: marking.banner });
    }, failurePrefix);
    return done ? created : null;
  };
  return {
    action,
    markingOk: marking?.ok === true,
    markingPicker: (legend) => <MarkingPicker context={picker} initial={snapshot.workspace?.defaultMarking} onChange={setMarking} legend={legend} />,
    create,
  };
}
