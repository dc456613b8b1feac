// Who may re-mark: the one rule object:remark enforces and the client offers "Change marking" by.
import { describe, expect, it } from 'vitest';
import { parseMarking, remarkRefusal, remarkRight } from '../../shared/markings';

const usa = (text: string) => ({ ...parseMarking(text), originator: 'USA' });
const relAus = usa('SECRET//REL TO USA, AUS');
const noforn = usa('SECRET//NOFORN');
const relAusJpn = usa('SECRET//REL TO USA, AUS, JPN');

describe('remarkRight', () => {
  it('lets editors of the originating nation narrow, its FDOs also widen, and nobody else anything', () => {
    expect(remarkRight({ nation: 'USA', roles: ['editor'] }, 'USA')).toBe('narrow');
    expect(remarkRight({ nation: 'USA', roles: ['editor', 'fdo'] }, 'USA')).toBe('any');
    expect(remarkRight({ nation: 'USA', roles: ['viewer'] }, 'USA')).toBe('none');
    expect(remarkRight({ nation: 'USA', roles: ['fdo'] }, 'USA')).toBe('none');
    expect(remarkRight({ nation: 'GBR', roles: ['editor', 'fdo'] }, 'USA')).toBe('none');
  });
});

describe('remarkRefusal', () => {
  it('refuses a partner, and a widening by an editor who is not an FDO, in words', () => {
    expect(remarkRefusal({ nation: 'GBR', roles: ['editor', 'fdo'] }, 'USA', relAus, noforn)).toBe('Only the originating nation (USA) may re-mark this object.');
    expect(remarkRefusal({ nation: 'USA', roles: ['editor'] }, 'USA', relAus, relAusJpn)).toBe(
      'Widening a marking is a release: it needs a foreign disclosure officer of USA. Ask for a release instead.',
    );
    expect(remarkRefusal({ nation: 'USA', roles: ['editor'] }, 'USA', relAus, noforn)).toBeNull();
    expect(remarkRefusal({ nation: 'USA', roles: ['editor', 'fdo'] }, 'USA', relAus, relAusJpn)).toBeNull();
  });
});
