// Marks an object posted by an exercise role player's simulated persona (server-set: see
// isSimulated in shared/protocol.ts), so no player takes it for a real participant's.
import { isSimulated, type Envelope } from '../../../shared/protocol';

export function SimulatedTag({ envelope }: { envelope: Pick<Envelope, 'createdBy'> | undefined }) {
  if (!envelope || !isSimulated(envelope)) return null;
  return (
    <span className="simulated-tag" title="Posted by an exercise role player's simulated persona, not a real participant">
      SIMULATED
    </span>
  );
}
