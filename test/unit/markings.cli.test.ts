// `tearline marking`: canonical forms and nations on success, a caret under the bad token on error.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run } from '../../server/cli/marking';

async function capture(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('tearline marking', () => {
  it('prints the canonical banner, portion mark and the nations who may see it', async () => {
    const { code, out, err } = await capture(['secret//rel to gbr, fvey, usa']);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      'banner      SECRET//REL TO USA, GBR, FVEY',
      'portion     (S//REL TO USA, GBR, FVEY)',
      'originator  USA',
      'clearance   SECRET or higher',
      'nations     USA, AUS, CAN, GBR, NZL (5)',
    ]);
  });

  it('accepts an unquoted marking split into several arguments', async () => {
    const { code, out } = await capture(['TS//SI//REL', 'TO', 'USA,', 'GBR']);
    expect(code).toBe(0);
    expect(out[0]).toBe('banner      TOP SECRET//SI//REL TO USA, GBR');
    expect(out[3]).toBe('clearance   TOP SECRET or higher, holding SI');
  });

  it('takes an originator and workspace groups', async () => {
    const { out } = await capture(['(S//NF)', '--originator', 'gbr']);
    expect(out).toContain('nations     GBR (1)');
    const quad = await capture(['(S//REL TO QUAD)', '--group', 'QUAD=AUS,IND,JPN,USA']);
    expect(quad.out).toContain('nations     USA, AUS, IND, JPN (4)');
  });

  it('says when every nation may see it and who may only display it', async () => {
    expect((await capture(['U'])).out).toContain('nations     all 249 (no release restriction)');
    expect((await capture(['S//REL TO USA, GBR/DISPLAY ONLY IRQ'])).out).toContain('display     IRQ may see it but never receive a copy');
  });

  it('underlines the offending token and exits 1', async () => {
    const { code, out, err } = await capture(['SECRET//REL TO USA, XYZ']);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual(['SECRET//REL TO USA, XYZ', '                    ^^^', '"XYZ" is not a country trigraph or group.']);
  });

  it('explains conflicts at the later control', async () => {
    const { code, err } = await capture(['(S//REL TO USA, GBR/NF)']);
    expect(code).toBe(1);
    expect(err[1]).toBe(`${' '.repeat(20)}^^`);
    expect(err[2]).toContain('NOFORN cannot be combined with REL TO');
  });

  it('prints usage and exits 2 without a marking', async () => {
    const { code, err } = await capture([]);
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('usage: tearline marking');
  });

  it('runs as `node bin/tearline.mjs marking …`', async () => {
    const bin = resolve(import.meta.dirname, '../../bin/tearline.mjs');
    const ok = await promisify(execFile)(process.execPath, [bin, 'marking', '(TS//SI//REL TO USA, FVEY)']);
    expect(ok.stdout).toContain('banner      TOP SECRET//SI//REL TO USA, FVEY\n');
    const failed = await promisify(execFile)(process.execPath, [bin, 'marking', 'SECRET//NOFORM']).catch((e: { code: number; stderr: string }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stderr).toBe('SECRET//NOFORM\n        ^^^^^^\n"NOFORM" is not an SCI compartment or a dissemination control (ORCON, NOFORN, REL TO, RELIDO, DISPLAY ONLY).\n');
  });
});
