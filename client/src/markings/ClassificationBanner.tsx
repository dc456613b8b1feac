// The banner at the top and bottom of a workspace: the roll-up of what is on screen, coloured
// by classification, prefixed EXERCISE in exercise cells.
import type { BannerText } from './banner';

interface Props {
  banner: BannerText;
  exercise: boolean;
  position: 'top' | 'bottom';
}

export function ClassificationBanner({ banner, exercise, position }: Props) {
  const text = exercise ? `EXERCISE ${banner.text}` : banner.text;
  return (
    <div
      className={`classification-banner tone-${banner.tone} banner-${position}`}
      role="note"
      aria-label={`${position === 'top' ? 'Top' : 'Bottom'} classification banner: ${text}`}
      data-testid={`banner-${position}`}
      title={banner.problem}
    >
      {text}
    </div>
  );
}
