// A nation as flag plus trigraph; the name is the accessible label. The flag is an emoji, shown
// only where the system has a colour emoji font (offline machines often lack one).
import { flagEmoji, nationName } from '../nations';

let flagsSupported: boolean | undefined;

/** Draws a flag emoji once and looks for colour: a missing font draws a grey box or letters. */
function canShowFlags(): boolean {
  if (flagsSupported !== undefined) return flagsSupported;
  flagsSupported = false;
  const context = document.createElement('canvas').getContext?.('2d', { willReadFrequently: true });
  if (!context) return flagsSupported;
  context.canvas.width = context.canvas.height = 24;
  context.font = '20px sans-serif';
  context.textBaseline = 'top';
  context.fillText(flagEmoji('USA'), 0, 0);
  const pixels = context.getImageData(0, 0, 24, 24).data;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3]! > 0 && (pixels[i] !== pixels[i + 1] || pixels[i + 1] !== pixels[i + 2])) {
      flagsSupported = true;
      break;
    }
  }
  return flagsSupported;
}

export function NationFlag({ nation }: { nation: string }) {
  const flag = canShowFlags() ? flagEmoji(nation) : '';
  return (
    <span className="nation" title={nationName(nation)}>
      {flag && (
        <span className="flag" aria-hidden="true">
          {flag}
        </span>
      )}
      <abbr title={nationName(nation)}>{nation}</abbr>
    </span>
  );
}
