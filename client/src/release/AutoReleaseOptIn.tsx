// For an FDO in a cell that releases on silence: whether their own nation's material is released
// automatically when a request's deadline passes undecided. Only the originating nation decides
// that for its material; the cell's switch can only hold it back.
import { useState } from 'react';
import type { ReleasePolicy } from '../../../shared/release';
import { ErrorMessage } from '../views/ErrorMessage';
import { useAction } from '../workspace/useAction';

interface Props {
  nation: string;
  releasePolicy: ReleasePolicy;
  onChange: (autoRelease: boolean) => Promise<unknown>;
}

export function AutoReleaseOptIn({ nation, releasePolicy, onChange }: Props) {
  const action = useAction();
  // What was just asked for shows at once; the cell's setting replaces it when the answer comes.
  const [asked, setAsked] = useState<boolean | null>(null);
  const optedIn = asked ?? releasePolicy.autoReleaseNations.includes(nation);
  return (
    <section className="auto-release-opt-in">
      <label className="check">
        <input
          type="checkbox"
          checked={optedIn}
          disabled={action.busy}
          onChange={(e) => {
            const on = e.target.checked;
            setAsked(on);
            void action.run(() => onChange(on), 'The setting was not changed').finally(() => setAsked(null));
          }}
        />
        Release {nation} material automatically when no {nation} FDO has decided by the deadline (never ORCON items)
      </label>
      <ErrorMessage message={action.error} />
    </section>
  );
}
