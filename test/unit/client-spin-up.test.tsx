// @vitest-environment happy-dom
// The spin-up form checks member codes as they are typed, not only when it is sent.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../client/src/session/api', () => ({
  listTemplates: vi.fn(async () => []),
  createWorkspace: vi.fn(),
}));

const { SpinUpCell } = await import('../../client/src/views/SpinUpCell');

afterEach(cleanup);

const identity = { sub: 'usa-analyst', name: 'Alex Morgan', nation: 'USA', clearance: 'TOP SECRET', compartments: [], roles: ['editor'], token: 't' } as const;

describe('<SpinUpCell>', () => {
  it('names an unknown member code as it is typed, and drops the problem once corrected', async () => {
    render(<SpinUpCell identity={{ ...identity, compartments: [], roles: ['editor'] }} onCreated={() => undefined} onCancel={() => undefined} />);
    await act(async () => undefined);
    const members = screen.getByLabelText('Members');
    fireEvent.change(members, { target: { value: 'USA, GBR, XYZ' } });
    expect(screen.getByTestId('members-help').textContent).toBe('Not a country trigraph or group: XYZ.');
    expect(members.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(members, { target: { value: 'USA, GBR, JPN' } });
    expect(screen.getByTestId('members-help').textContent).toBe('Country trigraphs or groups, separated by commas. Nations: USA, GBR, JPN.');
    expect(members.getAttribute('aria-invalid')).toBe('false');
  });
});
