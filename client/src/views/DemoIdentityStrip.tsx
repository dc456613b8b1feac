// On every screen while the server's demonstration identity provider is on: anyone can sign in
// there as anyone (a USA TOP SECRET FDO included), so nothing real belongs on it.
export const DEMO_IDENTITY_TEXT = 'DEMONSTRATION IDENTITIES — anyone can sign in as anyone; not for real material';

export function DemoIdentityStrip() {
  return (
    <div className="demo-identity-strip" role="note" data-testid="demo-identity-strip">
      {DEMO_IDENTITY_TEXT}
    </div>
  );
}
