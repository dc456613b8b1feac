// An access level key from the server ('AUS|S|', 'USA|TS|SI') in words: "AUS SECRET", "USA TOP SECRET SI".
import { participantFromLevelKey, type MarkingPolicy } from '../../../shared/markings';

export function levelName(key: string, policy: MarkingPolicy): string {
  try {
    const { nation, clearance, compartments } = participantFromLevelKey(key);
    const level = policy.levels.find((l) => l.code === clearance)?.name ?? clearance;
    return [nation, level, ...compartments].join(' ');
  } catch {
    // Not a key this client understands: show it as the server wrote it.
    return key;
  }
}
