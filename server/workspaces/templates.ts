// Cell templates: spin up the right coalition in one call.
import type { CellTemplate } from '../../shared/rest';

export const TEMPLATES: readonly CellTemplate[] = [
  { id: 'fvey', name: 'Five Eyes', members: ['FVEY'], groups: {}, defaultMarking: 'SECRET//REL TO USA, FVEY' },
  { id: 'nato', name: 'NATO', members: ['NATO'], groups: {}, defaultMarking: 'SECRET//REL TO USA, NATO' },
  {
    id: 'fig',
    name: 'Five Eyes plus (FIG)',
    members: ['FIG'],
    groups: { FIG: ['AUS', 'BEL', 'CAN', 'DNK', 'FRA', 'DEU', 'ITA', 'JPN', 'NLD', 'NZL', 'NOR', 'ESP', 'GBR', 'USA'] },
    defaultMarking: 'SECRET//REL TO USA, FIG',
  },
  {
    id: 'quad',
    name: 'Quad',
    members: ['QUAD'],
    groups: { QUAD: ['AUS', 'IND', 'JPN', 'USA'] },
    defaultMarking: 'SECRET//REL TO USA, QUAD',
  },
  {
    id: 'jpn-kor-usa',
    name: 'JPN-KOR-USA trilateral',
    members: ['JPN', 'KOR', 'USA'],
    groups: {},
    defaultMarking: 'SECRET//REL TO USA, JPN, KOR',
  },
  { id: 'adhoc', name: 'Ad hoc coalition', members: [], groups: {}, defaultMarking: null },
];

export function findTemplate(id: string): CellTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
