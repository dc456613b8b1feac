// How features look: classification colour for lines and areas, the MIL-STD-2525 symbol
// (milsymbol) or a coloured dot for points, and a label that always starts with the portion mark.
// Labels declutter; symbols never hide. Styles are shared by look (tone, kind, symbol, selection)
// and the label's text is set on the shared style at each call (OpenLayers reads it at once), so
// 5,000 features draw from a few dozen styles.
import ms from 'milsymbol';
import type { FeatureLike } from 'ol/Feature';
import { Circle, Fill, Icon, Stroke, Style, Text } from 'ol/style';

export const TONE_COLOURS: Record<string, string> = {
  'tone-unclassified': '#007a33',
  'tone-confidential': '#0033a0',
  'tone-secret': '#c8102e',
  'tone-top-secret': '#ff8c00',
  'tone-unknown': '#555555',
};

const SELECTED = '#111111';
const cache = new Map<string, Style[]>();

function cached(key: string, make: () => Style[]): Style[] {
  let styles = cache.get(key);
  if (!styles) cache.set(key, (styles = make()));
  return styles;
}

function label(offsetY: number, text = ''): Text {
  return new Text({
    text,
    font: '600 11px system-ui, sans-serif',
    offsetY,
    fill: new Fill({ color: '#1b1b1b' }),
    stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 3.5 }),
    overflow: false,
  });
}

const symbolIcons = new Map<string, { canvas: HTMLCanvasElement; anchor: [number, number]; height: number }>();

function symbolIcon(sidc: string) {
  let icon = symbolIcons.get(sidc);
  if (!icon) {
    const symbol = new ms.Symbol(sidc, { size: 26 });
    const anchor = symbol.getAnchor();
    icon = { canvas: symbol.asCanvas(), anchor: [anchor.x, anchor.y], height: symbol.getSize().height };
    symbolIcons.set(sidc, icon);
  }
  return icon;
}

/** One feature's style: `feature` carries tone, kind, label text, sidc and selection. */
export function featureStyle(feature: FeatureLike): Style[] {
  const tone = feature.get('tone') as string;
  const colour = TONE_COLOURS[tone] ?? TONE_COLOURS['tone-unknown']!;
  const kind = feature.getGeometry()?.getType();
  const selected = feature.get('selected') === true;
  const sidc = feature.get('sidc') as string | undefined;
  const styles = cached(`${tone}|${kind}|${selected}|${sidc ?? ''}`, () => {
    if (kind === 'Point') {
      if (sidc) {
        const icon = symbolIcon(sidc);
        const image = new Icon({ img: icon.canvas, anchor: icon.anchor, anchorXUnits: 'pixels', anchorYUnits: 'pixels', declutterMode: 'none' });
        const ring = selected ? [new Style({ image: new Circle({ radius: 20, stroke: new Stroke({ color: SELECTED, width: 2, lineDash: [4, 3] }) }) })] : [];
        return [...ring, new Style({ image, zIndex: 2 }), new Style({ text: label(icon.height / 2 + 6), zIndex: 3 })];
      }
      return [
        new Style({
          image: new Circle({ radius: selected ? 8 : 6, fill: new Fill({ color: colour }), stroke: new Stroke({ color: selected ? SELECTED : '#ffffff', width: selected ? 3 : 1.5 }), declutterMode: 'none' }),
          zIndex: 2,
        }),
        new Style({ text: label(-14), zIndex: 3 }),
      ];
    }
    return [
      new Style({
        stroke: new Stroke({ color: selected ? SELECTED : colour, width: selected ? 3.5 : 2.5 }),
        fill: kind === 'Polygon' ? new Fill({ color: `${colour}40` }) : undefined,
        zIndex: 1,
      }),
      new Style({ text: label(0), zIndex: 3 }),
    ];
  });
  // The label is always the last style.
  styles.at(-1)!.getText()!.setText(feature.get('label') as string);
  return styles;
}

/** A cluster of points: a count with the roll-up portion mark of its members. */
export function clusterStyle(count: number, mark: string, tone: string): Style[] {
  const colour = TONE_COLOURS[tone] ?? TONE_COLOURS['tone-unknown']!;
  return cached(`cluster|${count}|${mark}|${tone}`, () => [
    new Style({
      image: new Circle({ radius: Math.min(26, 11 + Math.log2(count) * 2.5), fill: new Fill({ color: `${colour}d0` }), stroke: new Stroke({ color: '#ffffff', width: 2 }), declutterMode: 'none' }),
      text: new Text({ text: String(count), font: '700 11px system-ui, sans-serif', fill: new Fill({ color: '#ffffff' }) }),
      zIndex: 2,
    }),
    new Style({ text: label(-24, mark), zIndex: 3 }),
  ]);
}
