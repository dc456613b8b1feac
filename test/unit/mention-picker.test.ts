// The mention picker (client/src/collab/mentionPicker.ts): typing "@" offers only the cell's
// nations, and the people present, who may read the comment and what it is on.
import { describe, expect, it } from 'vitest';
import { workspaceMarkings } from '../../client/src/markings/cell';
import { completeMention, mentionCandidates, mentionQuery } from '../../client/src/collab/mentionPicker';
import type { WorkspaceSummary } from '../../shared/protocol';

const cell = workspaceMarkings({
  id: 'ws1',
  name: 'Harbour',
  members: ['USA', 'GBR', 'JPN'],
  defaultMarking: 'SECRET//REL TO USA, GBR, JPN',
  systemHigh: 'SECRET',
  groups: {},
  exercise: false,
  releasePolicy: { deadlineMinutes: 60, autoRelease: false, autoReleaseNations: [] },
  createdAt: '2025-01-01T00:00:00.000Z',
  createdBy: 'usa-analyst',
  crossNationEditing: 'suggest',
} satisfies WorkspaceSummary);

const people = [
  { sub: 'gbr-analyst', name: 'Harriet Cole', nation: 'GBR' },
  { sub: 'jpn-analyst', name: 'Sato Haruki', nation: 'JPN' },
];
const on = { marking: 'SECRET//REL TO USA, GBR, JPN', originator: 'USA' };
const tokens = (query: string, marking: string) => mentionCandidates(query, [{ marking, originator: 'USA' }, on], cell.members, people, cell.policy).map((c) => c.token);

describe('mention picker', () => {
  it('reads the "@word" being typed at the end of the text', () => {
    expect(mentionQuery('ask @')).toBe('');
    expect(mentionQuery('ask @gb')).toBe('gb');
    expect(mentionQuery('mail a@b')).toBeNull();
    expect(mentionQuery('ask @GBR now')).toBeNull();
  });

  it('offers the nations and people who may read the comment, and nobody else', () => {
    expect(tokens('', 'SECRET//REL TO USA, GBR, JPN')).toEqual(['USA', 'GBR', 'JPN', 'gbr-analyst', 'jpn-analyst']);
    expect(tokens('', 'SECRET//REL TO USA, GBR')).toEqual(['USA', 'GBR', 'gbr-analyst']);
    expect(tokens('', 'SECRET//NOFORN')).toEqual(['USA']);
  });

  it('narrows by what is typed, on the token or the name', () => {
    expect(tokens('j', 'SECRET//REL TO USA, GBR, JPN')).toEqual(['JPN', 'jpn-analyst']);
    expect(tokens('harr', 'SECRET//REL TO USA, GBR, JPN')).toEqual(['gbr-analyst']);
  });

  it('offers nothing while the typed marking does not parse', () => {
    expect(tokens('', 'SECRET//REL TO USA, XXQ')).toEqual([]);
  });

  it('completes the mention being typed', () => {
    expect(completeMention('ask @gb', 'gbr-analyst')).toBe('ask @gbr-analyst ');
  });
});
