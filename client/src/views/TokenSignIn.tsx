// Sign-in with a bearer token issued by the configured identity provider.
import { useState, type FormEvent } from 'react';
import { identityFromToken, type Identity } from '../session/identity';
import { ErrorMessage } from './ErrorMessage';

export function TokenSignIn({ onSignedIn }: { onSignedIn: (identity: Identity) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      onSignedIn(identityFromToken(token));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  return (
    <form className="token-sign-in" onSubmit={submit}>
      <h2>Sign in with your token</h2>
      <p className="muted">This server trusts an external identity provider. Paste the bearer token it issued you.</p>
      <label htmlFor="bearer-token">Bearer token</label>
      <textarea id="bearer-token" rows={4} value={token} onChange={(event) => setToken(event.target.value)} required />
      <ErrorMessage message={error} />
      <button type="submit">Sign in</button>
    </form>
  );
}
