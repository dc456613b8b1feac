// Demo personas of the built-in development identity provider (DESIGN.md).
import type { Persona, Role } from '../../shared/protocol';

const persona = (id: string, name: string, nation: string, clearance: string, roles: Role[]): Persona => ({
  id,
  name,
  nation,
  clearance,
  compartments: [],
  roles,
});

export const PERSONAS: readonly Persona[] = [
  persona('usa-analyst', 'Alex Morgan (USA analyst)', 'USA', 'TOP SECRET', ['editor']),
  persona('usa-fdo', 'Jordan Blake (USA FDO)', 'USA', 'TOP SECRET', ['editor', 'fdo']),
  persona('usa-secret', 'Casey Rivera (USA analyst)', 'USA', 'SECRET', ['editor']),
  persona('gbr-analyst', 'Harriet Cole (GBR analyst)', 'GBR', 'SECRET', ['editor']),
  persona('aus-analyst', 'Liam Walsh (AUS analyst)', 'AUS', 'SECRET', ['editor']),
  persona('can-analyst', 'Chloé Tremblay (CAN analyst)', 'CAN', 'SECRET', ['editor']),
  persona('nzl-analyst', 'Aroha Ngata (NZL analyst)', 'NZL', 'SECRET', ['editor']),
  persona('jpn-analyst', 'Sato Haruki (JPN analyst)', 'JPN', 'SECRET', ['editor']),
  persona('kor-analyst', 'Kim Min-jun (KOR analyst)', 'KOR', 'SECRET', ['editor']),
  persona('pol-analyst', 'Anna Nowak (POL analyst)', 'POL', 'SECRET', ['editor']),
  persona('deu-analyst', 'Jonas Weber (DEU analyst)', 'DEU', 'SECRET', ['editor']),
  persona('gbr-fdo', 'Edward Hale (GBR FDO)', 'GBR', 'TOP SECRET', ['editor', 'fdo']),
  persona('usa-excon', 'Riley Quinn (exercise control)', 'USA', 'TOP SECRET', ['editor', 'excon']),
  persona('aus-viewer', 'Mia Chen (AUS viewer)', 'AUS', 'SECRET', ['viewer']),
];

export function findPersona(id: string): Persona | undefined {
  return PERSONAS.find((p) => p.id === id);
}
