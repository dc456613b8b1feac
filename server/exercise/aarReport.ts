// The AAR/IP draft in Markdown, HSEEP's structure: objectives, time to share per inject, releases,
// strengths, areas for improvement, recommendations and an improvement plan for EXCON to finish.
// Everything in it comes from the figures (aar.ts); the wording is a draft EXCON edits.
import type { Scenario } from '../../shared/exercise/scenario';
import type { Observation } from '../../shared/protocol';
import { formatScenarioTime } from '../../shared/exercise/scenarioTime';
import type { AarFigures, InjectFigures, NationSight } from './aar';

interface Finding {
  area: string;
  recommendation: string;
}

/** `observations`: the evaluators' observations the reader of the draft may read (./observations.ts). */
export function aarMarkdown(scenario: Scenario, figures: AarFigures, generatedAt: string, observations: readonly Observation[] = []): string {
  const findings = areasForImprovement(figures);
  return [
    `# After-action review and improvement plan: ${scenario.title}`,
    '',
    `**${scenario.banner}**`,
    '',
    `Scenario \`${scenario.id}\`, STARTEX ${scenario.start}. Draft generated ${generatedAt} from the cell's audit trail; exercise control edits it before release.`,
    '',
    '## Objectives',
    '',
    ...list(scenario.objectives.map((o) => `**${o.id}**: ${o.text} *${objectiveResult(o.id, figures.injects)}*`), 'The scenario names no objectives.'),
    '',
    '## Time to share, per inject',
    '',
    ...sightTable(figures.injects),
    '',
    '## Releases',
    '',
    ...releaseTable(figures),
    '',
    '## Observations',
    '',
    ...observationSection(scenario, observations),
    '',
    '## Strengths',
    '',
    ...list(strengths(figures), 'None recorded.'),
    '',
    '## Areas for improvement',
    '',
    ...list(findings.map((f) => f.area), 'None recorded.'),
    '',
    '## Recommendations',
    '',
    ...list([...new Set(findings.map((f) => f.recommendation))], 'None.'),
    '',
    '## Improvement plan',
    '',
    '| Area for improvement | Corrective action | Owner | Due |',
    '| --- | --- | --- | --- |',
    ...findings.map((f) => `| ${cell(f.area)} | ${cell(f.recommendation)} |  |  |`),
    '',
  ].join('\n');
}

/** Per inject in MSEL order, then those about no inject; each with both clocks, its author and its marking. */
function observationSection(scenario: Scenario, observations: readonly Observation[]): string[] {
  if (observations.length === 0) return ['None recorded.'];
  const groups = new Map<string | null, Observation[]>();
  for (const o of observations) groups.set(o.injectId, [...(groups.get(o.injectId) ?? []), o]);
  const rank = (injectId: string | null) => (injectId === null ? Infinity : scenario.msel.findIndex((inject) => inject.id === injectId));
  const ordered = [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b));
  return ordered.flatMap(([injectId, group], i) => [
    ...(i > 0 ? [''] : []),
    `### ${injectId === null ? 'General' : `Inject ${injectId}`}`,
    '',
    ...group.map(
      (o) =>
        `- (${o.marking}) ${o.scenarioTime} (Z ${o.zulu}), ${o.author.role} ${o.author.nation}${o.expectedAction ? ` on "${o.expectedAction}"` : ''}: ${o.text.replace(/\s*\n\s*/g, ' ')}`,
    ),
  ]);
}

function list(items: string[], empty: string): string[] {
  return items.length === 0 ? [empty] : items.map((item) => `- ${item}`);
}

/** Met when every expected action of its injects came in time. */
function objectiveResult(id: string, injects: InjectFigures[]): string {
  const results = injects.filter((i) => i.objective === id && i.expected).map((i) => i.expected!.result);
  if (results.length === 0) return 'Not evaluated: none of its injects expects an action.';
  if (results.every((r) => r === 'met')) return 'Met.';
  return results.some((r) => r === 'met') ? 'Partially met.' : 'Not met.';
}

function sightTable(injects: InjectFigures[]): string[] {
  const nations = [...new Set(injects.flatMap((i) => i.nations.map((n) => n.nation)))];
  const rows = injects.filter((i) => i.nations.length > 0);
  if (rows.length === 0) return ['No inject carried information of its own.'];
  return [
    `| Inject | Released | ${nations.join(' | ')} |`,
    `| --- | --- | ${nations.map(() => '---').join(' | ')} |`,
    ...rows.map((i) => {
      const released = i.scenarioMs === null ? 'not released' : formatScenarioTime(i.scenarioMs);
      const sights = nations.map((nation) => sightText(i.nations.find((n) => n.nation === nation)));
      return `| ${cell(`${i.injectId} ${i.title}`)} | ${released} | ${sights.join(' | ')} |`;
    }),
  ];
}

function sightText(sight: NationSight | undefined): string {
  if (!sight) return '';
  if (sight.at === null) return 'never';
  return sight.afterMs === null ? sight.via ?? '' : `${duration(sight.afterMs)} (${sight.via})`;
}

function releaseTable(figures: AarFigures): string[] {
  const rows = figures.injects.flatMap((i) => i.releases.map((r) => ({ injectId: i.injectId, ...r })));
  if (rows.length === 0) return ['No release was requested.'];
  return [
    '| Inject | Requested by | To | Outcome | Took | Reason |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.injectId} | ${r.requestedBy ?? ''} | ${cell(r.to)} | ${r.outcome.replace('_', ' ')} | ${r.tookMs === null ? 'open' : duration(r.tookMs)} | ${cell(r.reason ?? '')} |`),
  ];
}

function strengths(figures: AarFigures): string[] {
  const out: string[] = [];
  for (const i of figures.injects) {
    if (i.nations.length > 0 && i.nations.every((n) => n.afterMs === 0)) out.push(`${i.injectId} reached every nation (${i.nations.map((n) => n.nation).join(', ')}) as it was released.`);
    if (i.expected?.result === 'met') out.push(`${i.injectId}: the expected action came in time (${i.expected.action})`);
  }
  const approved = figures.injects.flatMap((i) => i.releases).filter((r) => (r.outcome === 'approved' || r.outcome === 'auto_released') && r.tookMs !== null);
  if (approved.length > 0) out.push(`${approved.length} release${approved.length === 1 ? '' : 's'} carried out, the median in ${duration(median(approved.map((r) => r.tookMs!)))}.`);
  const answered = figures.rfis.filter((r) => !r.late).length;
  if (answered > 0) out.push(`${answered} RFI${answered === 1 ? '' : 's'} answered in time.`);
  return out;
}

function areasForImprovement(figures: AarFigures): Finding[] {
  const out: Finding[] = [];
  for (const i of figures.injects) {
    const waited = i.nations.filter((n) => n.afterMs !== null && n.afterMs > 0);
    if (waited.length > 0) {
      out.push({
        area: `${i.injectId}: ${waited.map((n) => `${n.nation} waited ${duration(n.afterMs!)} (${n.via})`).join(', ')}.`,
        recommendation: 'Write injects and reports for the widest audience that may have them from the start (a REL TO version or a tearline at release) instead of releasing afterwards.',
      });
    }
    const never = i.releasedAt === null ? [] : i.nations.filter((n) => n.at === null);
    if (never.length > 0) {
      out.push({
        area: `${i.injectId}: ${never.map((n) => n.nation).join(', ')} never saw what it carried.`,
        recommendation: 'Plan a sanitised version or tearline for every partner who needs the information, and check who can see it before release.',
      });
    }
    if (i.expected && i.expected.result !== 'met') {
      out.push({
        area: `${i.injectId}: the expected action was ${i.expected.result === 'late' ? 'late' : 'not taken'} (${i.expected.action})`,
        recommendation: 'Rehearse the disclosure workflow with the FDOs of each nation and agree decision times before the next exercise.',
      });
    }
  }
  for (const d of figures.denials) {
    out.push({
      area: `${d.injectId}: release to ${d.to} denied after ${duration(d.tookMs ?? 0)}: ${d.reason ?? 'no reason recorded'}`,
      recommendation: 'Agree release criteria with the originating FDOs in advance; the denial reasons show what they needed.',
    });
  }
  for (const r of figures.injects.flatMap((i) => i.releases.filter((x) => x.outcome === 'expired' || x.outcome === 'failed'))) {
    out.push({
      area: `Release ${r.requestId} to ${r.to} ${r.outcome === 'expired' ? 'expired without a decision' : 'could not be carried out'}${r.reason ? ` (${r.reason})` : ''}.`,
      recommendation: 'Staff FDOs for the exercise tempo, or opt in to automatic release at the deadline where policy allows.',
    });
  }
  for (const r of figures.rfis.filter((x) => x.late)) {
    out.push({
      area: `RFI from ${r.askedBy ?? 'a partner'} ${r.answeredAt === null ? 'was never answered' : `was answered after ${duration(Date.parse(r.answeredAt) - Date.parse(r.askedAt))}`}.`,
      recommendation: 'Give every RFI an owner and an answer deadline, and track them on the EXCON panel.',
    });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** '17 min', '1 h 05 min'. */
function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
