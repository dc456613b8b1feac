// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicy, policyWithGroups } from '../../shared/markings';
import { rolledUpBanner } from '../../client/src/markings/banner';
import { ClassificationBanner } from '../../client/src/markings/ClassificationBanner';

afterEach(cleanup);

const usa = (marking: string) => ({ marking, originator: 'USA' });

describe('rolled-up banner', () => {
  it('is NOFORN when any shown portion is NOFORN', () => {
    const banner = rolledUpBanner([usa('SECRET//REL TO USA, AUS'), usa('SECRET//NOFORN')], defaultPolicy);
    expect(banner).toEqual({ text: 'SECRET//NOFORN', tone: 'secret' });
  });

  it('intersects REL TO lists after expanding groups', () => {
    const banner = rolledUpBanner(
      [usa('SECRET//REL TO USA, AUS, GBR'), usa('CONFIDENTIAL//REL TO USA, FVEY')],
      defaultPolicy,
    );
    expect(banner.text).toBe('SECRET//REL TO USA, AUS, GBR');
  });

  it('reads what a partner sees when the NOFORN portion is withheld from them', () => {
    const banner = rolledUpBanner([usa('SECRET//REL TO USA, FVEY'), usa('SECRET//REL TO USA, AUS')], defaultPolicy);
    expect(banner.text).toBe('SECRET//REL TO USA, AUS');
  });

  it('is UNCLASSIFIED over an empty screen and TOP SECRET in orange tone', () => {
    expect(rolledUpBanner([], defaultPolicy)).toEqual({ text: 'UNCLASSIFIED', tone: 'unclassified' });
    expect(rolledUpBanner([usa('TOP SECRET//SI//REL TO USA, FVEY')], defaultPolicy).tone).toBe('top-secret');
    expect(rolledUpBanner([usa('CONFIDENTIAL//REL TO USA, GBR')], defaultPolicy).tone).toBe('confidential');
  });

  it('understands a cell group such as QUAD', () => {
    const policy = policyWithGroups({ QUAD: ['AUS', 'IND', 'JPN', 'USA'] });
    const banner = rolledUpBanner([usa('SECRET//REL TO USA, QUAD'), usa('SECRET//REL TO USA, JPN')], policy);
    expect(banner.text).toBe('SECRET//REL TO USA, JPN');
  });

  it('errs on the restrictive side when a marking cannot be read', () => {
    const banner = rolledUpBanner([usa('SECRET//REL TO USA, AUS'), usa('SECRET//REL TO WAKANDA')], defaultPolicy);
    expect(banner.text).toBe('TOP SECRET//NOFORN');
    expect(banner.problem).toMatch(/WAKANDA/);
  });
});

describe('<ClassificationBanner>', () => {
  it('shows the roll-up with its classification colour class', () => {
    render(<ClassificationBanner banner={{ text: 'SECRET//NOFORN', tone: 'secret' }} exercise={false} position="top" />);
    const banner = screen.getByTestId('banner-top');
    expect(banner.textContent).toBe('SECRET//NOFORN');
    expect(banner.className).toContain('tone-secret');
    expect(banner.getAttribute('aria-label')).toBe('Top classification banner: SECRET//NOFORN');
  });

  it('prefixes EXERCISE in exercise cells', () => {
    render(<ClassificationBanner banner={{ text: 'UNCLASSIFIED', tone: 'unclassified' }} exercise position="bottom" />);
    const banner = screen.getByTestId('banner-bottom');
    expect(banner.textContent).toBe('EXERCISE UNCLASSIFIED');
    expect(banner.className).toContain('tone-unclassified');
  });
});
