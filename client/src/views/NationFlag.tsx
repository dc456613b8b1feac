// A nation as flag plus trigraph; the name is the accessible label.
import { flagEmoji, nationName } from '../nations';

export function NationFlag({ nation }: { nation: string }) {
  return (
    <span className="nation" title={nationName(nation)}>
      <span className="flag" aria-hidden="true">
        {flagEmoji(nation)}
      </span>
      <abbr title={nationName(nation)}>{nation}</abbr>
    </span>
  );
}
