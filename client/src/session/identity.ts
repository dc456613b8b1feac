// Who is signed in. The token is kept per browser tab (sessionStorage) so two tabs can hold two
// personas; its claims are read here only for display and for the marking picker: the server
// verifies the token and decides every access itself. Both read the claims with one schema
// (shared/protocol.ts `claimsSchema`), so a token the server refuses is refused here first.
import { claimsSchema, type Claims } from '../../../shared/protocol';

export interface Identity extends Claims {
  token: string;
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
  let payload: unknown;
  try {
    if (parts.length !== 3 || !parts[1]) throw new Error('shape');
    payload = decodeSegment(parts[1]);
  } catch {
    throw new Error('This is not a bearer token (expected three dot-separated parts of a JWT).');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const claim = claims.error.issues[0]?.path[0];
    throw new Error(`The token's ${typeof claim === 'string' ? `"${claim}" ` : ''}claim is missing or not in the form Tearline needs (sub, name, nation, clearance, compartments, roles).`);
  }
  return { ...claims.data, token: token.trim() };
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
