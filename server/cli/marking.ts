// `npx tearline marking "<text>" [--originator GBR] [--group QUAD=AUS,IND,JPN,USA]`: shows the
// canonical banner and portion mark of a marking and who may see it, or where the text is wrong.
import {
  MarkingError,
  formatBanner,
  formatPortion,
  parseMarking,
  policyWithGroups,
  releasableNations,
} from '../../shared/markings';
import type { Marking, MarkingPolicy } from '../../shared/markings';

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const terminal: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const USAGE = `usage: tearline marking "<marking>" [--originator <trigraph>] [--group NAME=AAA,BBB,…]
  e.g. tearline marking "SECRET//REL TO USA, FVEY"
       tearline marking "(S//REL TO USA, QUAD)" --group QUAD=AUS,IND,JPN,USA`;

interface Request {
  text: string;
  originator?: string;
  groups: Record<string, string[]>;
}

export async function run(args: string[], io: Output = terminal): Promise<number> {
  const request = parseArgs(args);
  if (typeof request === 'string') {
    io.err(request);
    io.err(USAGE);
    return 2;
  }
  try {
    const policy = policyWithGroups(request.groups);
    const originator = request.originator?.toUpperCase();
    const marking: Marking = { ...parseMarking(request.text, policy), ...(originator ? { originator } : {}) };
    for (const line of describe(marking, policy)) io.out(line);
    return 0;
  } catch (error) {
    if (!(error instanceof MarkingError)) throw error;
    if (error.position >= 0) {
      io.err(request.text);
      io.err(`${' '.repeat(error.position)}${'^'.repeat(Math.max(1, error.token.length))}`);
    }
    io.err(error.message);
    return 1;
  }
}

function parseArgs(args: string[]): Request | string {
  const words: string[] = [];
  const request: Request = { text: '', groups: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'Shows the canonical form of a security marking and the nations that may see it.';
    if (arg === '--originator' || arg === '--group') {
      const value = args[++i];
      if (value === undefined) return `${arg} needs a value.`;
      if (arg === '--originator') request.originator = value;
      else {
        const [name, members] = value.split('=');
        if (!name || !members) return `--group takes NAME=AAA,BBB (got "${value}").`;
        request.groups[name] = members.split(',').map((m) => m.trim()).filter(Boolean);
      }
    } else {
      words.push(arg);
    }
  }
  // Unquoted markings arrive split on spaces: SECRET//REL TO USA, GBR → four arguments.
  request.text = words.join(' ');
  return request.text.trim() === '' ? 'No marking given.' : request;
}

function describe(m: Marking, policy: MarkingPolicy): string[] {
  const level = policy.levels.find((l) => l.code === m.classification)!;
  const nations = releasableNations(m, policy);
  const everyone = nations.length === policy.nations.size && level.rank === 0;
  const held = m.compartments.length > 0 ? `, holding ${m.compartments.join(' and ')}` : '';
  const lines = [
    `banner      ${formatBanner(m, policy)}`,
    `portion     ${formatPortion(m, policy)}`,
    `originator  ${m.originator ?? policy.leadNation}`,
    `clearance   ${level.name} or higher${held}`,
    everyone ? `nations     all ${nations.length} (no release restriction)` : `nations     ${nations.join(', ')} (${nations.length})`,
  ];
  if (m.displayOnly.length > 0) lines.push(`display     ${m.displayOnly.join(', ')} may see it but never receive a copy`);
  return lines;
}
