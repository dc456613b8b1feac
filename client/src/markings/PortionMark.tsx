// A portion mark such as (S//REL TO USA, AUS), coloured by its classification.
import type { MarkingPolicy } from '../../../shared/markings';
import { toneClass } from './toneClass';

interface Props {
  portion: string;
  marking: string;
  originator: string;
  policy: MarkingPolicy;
}

export function PortionMark({ portion, marking, originator, policy }: Props) {
  return (
    <span className={`portion-mark ${toneClass({ marking, originator }, policy)}`} title={marking}>
      {portion}
    </span>
  );
}
