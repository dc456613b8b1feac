// What the leak oracles (test/integration/leak-oracle.test.ts on one node, cluster-leak-oracle on
// several) share: the personas and markings they draw from, and the text of a frame searched for
// canaries and ids.
import type { Participant } from '../../shared/markings';
import type { Envelope } from '../../shared/protocol';
import type { TestClient } from './server';

/** Different nations and clearances; `overrides` go into the persona's token. */
export const ORACLE_PERSONAS: { persona: string; participant: Participant; overrides?: object }[] = [
  { persona: 'usa-fdo', participant: { nation: 'USA', clearance: 'TS', compartments: ['SI'] }, overrides: { compartments: ['SI'] } },
  { persona: 'usa-secret', participant: { nation: 'USA', clearance: 'S', compartments: [] } },
  { persona: 'gbr-fdo', participant: { nation: 'GBR', clearance: 'TS', compartments: [] } },
  { persona: 'aus-analyst', participant: { nation: 'AUS', clearance: 'S', compartments: [] } },
  { persona: 'jpn-analyst', participant: { nation: 'JPN', clearance: 'S', compartments: [] } },
  { persona: 'kor-analyst', participant: { nation: 'KOR', clearance: 'S', compartments: [] } },
];

export const ORACLE_MARKINGS = [
  'UNCLASSIFIED',
  'SECRET//NOFORN',
  'SECRET//REL TO USA, GBR',
  'SECRET//REL TO USA, FVEY',
  'CONFIDENTIAL//REL TO USA, AUS, JPN',
  'SECRET//REL TO USA, GBR, JPN, KOR',
  'TOP SECRET//REL TO USA, GBR',
  'TOP SECRET//SI//REL TO USA, GBR',
  'SECRET//REL TO GBR, AUS',
];

/** A frame's payload as text in which a canary shows, however its binary fields were sent. */
export function frameText(payload: unknown): string {
  return JSON.stringify(payload, (key, v) => {
    // base64 sockets get updates as base64 text: decode them so canaries show.
    if (key === 'update' && typeof v === 'string') return Buffer.from(v, 'base64').toString('latin1');
    if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
    if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data)) return Buffer.from(v.data).toString('latin1');
    return v;
  });
}

/** Keeps `actor.visible` (whichever set it holds then) to the ids `client` is told it can see. */
export function trackVisibility(actor: { visible: Set<string> }, client: TestClient): void {
  client.socket.on('object:added', (e: Envelope) => actor.visible.add(e.id));
  client.socket.on('object:removed', (b: { id: string }) => actor.visible.delete(b.id));
}
