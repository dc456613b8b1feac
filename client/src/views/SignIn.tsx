// Sign-in: the demo personas of the development identity provider, or a bearer token field when
// a real issuer is configured (the provider then answers 404).
import { useEffect, useState } from 'react';
import { issueDevToken, listPersonas, type Persona } from '../session/api';
import { describeError } from '../session/errors';
import { identityFromToken, type Identity } from '../session/identity';
import { ErrorMessage } from './ErrorMessage';
import { PersonaCard } from './PersonaCard';
import { TokenSignIn } from './TokenSignIn';

type Personas = { state: 'loading' } | { state: 'ready'; personas: readonly Persona[] | null } | { state: 'failed'; message: string };

export function SignIn({ onSignedIn }: { onSignedIn: (identity: Identity) => void }) {
  const [personas, setPersonas] = useState<Personas>({ state: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    listPersonas().then(
      (list) => live && setPersonas({ state: 'ready', personas: list }),
      (failure: unknown) => live && setPersonas({ state: 'failed', message: describeError(failure) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const signInAs = async (persona: Persona) => {
    setBusy(persona.id);
    setError(null);
    try {
      onSignedIn(identityFromToken(await issueDevToken(persona.id)));
    } catch (failure) {
      setError(describeError(failure));
      setBusy(null);
    }
  };

  return (
    <main className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Tearline</h1>
      <p className="tagline">One common threat picture, each portion marked, each partner shown what is releasable to them.</p>
      {personas.state === 'loading' && <p>Contacting the server…</p>}
      {personas.state === 'failed' && (
        <>
          <ErrorMessage message={`Could not reach the sign-in service: ${personas.message}`} />
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </>
      )}
      {personas.state === 'ready' && personas.personas && (
        <section aria-labelledby="personas-title">
          <h2 id="personas-title">Sign in as a demo persona</h2>
          <p className="muted">Development identity provider: these identities exist for demonstration and testing only.</p>
          <ErrorMessage message={error} />
          <ul className="persona-grid">
            {personas.personas.map((persona) => (
              <li key={persona.id}>
                <PersonaCard persona={persona} busy={busy === persona.id} disabled={busy !== null} onChoose={signInAs} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {personas.state === 'ready' && !personas.personas && <TokenSignIn onSignedIn={onSignedIn} />}
    </main>
  );
}
