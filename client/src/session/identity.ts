// Who is signed in. The token is kept per browser tab (sessionStorage) so two tabs can hold two
// personas; its claims are read here only for display and for the marking picker: the server
// verifies the token and decides every access itself.
import type { Role } from '../../../shared/protocol';

export interface Identity {
  token: string;
  sub: string;
  name: string;
  nation: string;
  clearance: string;
  compartments: string[];
  roles: Role[];
}

const STORAGE_KEY = 'tearline.token';

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Reads the claims of a JWT; throws a plain sentence when the text is not one. */
export function identityFromToken(token: string): Identity {
  const parts = token.trim().split('.');
  let claims: Record<string, unknown>;
  try {
    if (parts.length !== 3 || !parts[1]) throw new Error('shape');
    claims = decodeSegment(parts[1]) as Record<string, unknown>;
  } catch {
    throw new Error('This is not a bearer token (expected three dot-separated parts of a JWT).');
  }
  const text = (key: string): string => (typeof claims[key] === 'string' ? (claims[key] as string) : '');
  const list = (key: string): string[] =>
    Array.isArray(claims[key]) ? (claims[key] as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  if (!text('sub') || !/^[A-Z]{3}$/.test(text('nation')) || !text('clearance')) {
    throw new Error('The token lacks the sub, nation or clearance claim Tearline needs.');
  }
  return {
    token: token.trim(),
    sub: text('sub'),
    name: text('name') || text('sub'),
    nation: text('nation'),
    clearance: text('clearance'),
    compartments: list('compartments'),
    roles: list('roles') as Role[],
  };
}

export function loadStoredIdentity(): Identity | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  try {
    return identityFromToken(token);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function storeIdentity(identity: Identity | null): void {
  if (identity) sessionStorage.setItem(STORAGE_KEY, identity.token);
  else sessionStorage.removeItem(STORAGE_KEY);
}

export function canEdit(identity: Identity): boolean {
  return identity.roles.includes('editor') || identity.roles.includes('admin');
}

export function isFdo(identity: Identity): boolean {
  return identity.roles.includes('fdo');
}
