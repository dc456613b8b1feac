// From a verified token to the session's participant and access level.
import { accessLevelKey, type Participant } from '../../shared/markings';
import type { Identity } from '../auth/verifier';
import { TearlineError } from '../errors';

export function participantOf(identity: Identity): { participant: Participant; level: string } {
  const participant: Participant = {
    nation: identity.nation,
    clearance: identity.clearance,
    compartments: identity.compartments,
  };
  try {
    return { participant, level: accessLevelKey(participant) };
  } catch (error) {
    throw new TearlineError('unauthorized', `Your credentials carry an unknown nation or clearance: ${(error as Error).message}`);
  }
}
