// @vitest-environment happy-dom
// While the server hands out demonstration identities, every screen says so: sign-in and the
// signed-in shell alike. The server answers that in GET /api/config.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../client/src/App';
import { DEMO_IDENTITY_TEXT } from '../../client/src/views/DemoIdentityStrip';

// The signed-in shell opens a socket; this test is about the page around it.
vi.mock('../../client/src/session/connection', () => ({
  Connection: class {
    readonly connected = false;
    readonly socket = { connected: false, on: () => undefined, off: () => undefined };
    close(): void {}
  },
}));

function serve(devIdentity: boolean): void {
  const answers: Record<string, unknown> = {
    '/api/config': { devIdentity },
    '/api/dev/personas': { personas: [] },
    '/api/workspaces': { workspaces: [] },
  };
  vi.stubGlobal('fetch', async (path: string) => new Response(JSON.stringify(answers[path] ?? {}), { status: 200 }));
}

function signedIn(): void {
  const claims = { sub: 'usa-fdo', name: 'Dana Ruiz', nation: 'USA', clearance: 'TOP SECRET', compartments: [], roles: ['editor', 'fdo'] };
  const segment = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  sessionStorage.setItem('tearline.token', `${segment({ alg: 'ES256' })}.${segment(claims)}.signature`);
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe('demonstration identities strip', () => {
  it('is on the sign-in screen while the server has demonstration identities on', async () => {
    serve(true);
    render(<App />);
    expect((await screen.findByTestId('demo-identity-strip')).textContent).toBe(
      'DEMONSTRATION IDENTITIES — anyone can sign in as anyone; not for real material',
    );
    expect(screen.getByRole('heading', { name: 'Tearline' })).toBeTruthy();
  });

  it('stays above the shell once signed in', async () => {
    serve(true);
    signedIn();
    render(<App />);
    const strip = await screen.findByTestId('demo-identity-strip');
    expect(strip.textContent).toBe(DEMO_IDENTITY_TEXT);
    expect(strip.nextElementSibling?.className).toBe('app-header');
  });

  it('is absent when the server has no demonstration identities', async () => {
    serve(false);
    signedIn();
    render(<App />);
    // The config was asked first; once the workspace list's answer is in, so is the config's.
    await screen.findByText('You are not a member of any cell yet. Spin one up.');
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(screen.queryByTestId('demo-identity-strip')).toBeNull();
  });
});
