// The sharing figures of a cell as charts (recharts) with the same numbers in tables beside them:
// what share of the picture each partner sees (objects and text), the NOFORN rate, release
// outcomes, time from request to decision, and denials by the category FDOs picked (their reasons
// in a table).
import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, Tooltip, XAxis, YAxis } from 'recharts';
import { DENIAL_CATEGORY_LABELS } from '../../../shared/release';
import type { SharingFigures } from '../session/api';
import { formatElapsed } from '../release/duration';
import { formatShare, percent, timeUnitFor } from './figureFormat';

const COLOURS = { objects: '#1f5fa8', text: '#7a9a3a', noforn: '#b3261e', releasable: '#4f7f9f', neutral: '#5b6470' };
const OUTCOMES: { key: keyof SharingFigures['releases']; label: string; colour: string }[] = [
  { key: 'pending', label: 'Pending', colour: '#8a8f98' },
  { key: 'approved', label: 'Approved', colour: '#2e7d32' },
  { key: 'autoReleased', label: 'Released automatically', colour: '#558b2f' },
  { key: 'denied', label: 'Denied', colour: '#b3261e' },
  { key: 'withdrawn', label: 'Withdrawn', colour: '#6d4c41' },
  { key: 'expired', label: 'Expired', colour: '#ef6c00' },
  { key: 'failed', label: 'Not carried out', colour: '#4a148c' },
];
const CHART = { width: 560, height: 240 };

export function FiguresDashboard({ figures }: { figures: SharingFigures }) {
  const { totals, partners, noforn, releases } = figures;
  const shares = partners.map((p) => ({ nation: p.nation, objects: percent(p.objectShare), text: percent(p.textShare) }));
  const byCategory = releases.denialsByCategory.map((d) => ({ label: DENIAL_CATEGORY_LABELS[d.category], count: d.count }));
  const outcomes = OUTCOMES.map((o) => ({ ...o, count: releases[o.key] as number }));
  const { medianMs, p90Ms, count } = releases.decisionTime;
  const unit = timeUnitFor(Math.max(medianMs ?? 0, p90Ms ?? 0));
  const times = [
    { name: 'Median', value: medianMs === null ? 0 : medianMs / unit.ms },
    { name: '90th percentile', value: p90Ms === null ? 0 : p90Ms / unit.ms },
  ];

  return (
    <div className="figures">
      <p className="figures-totals">
        Counted over the <strong>{totals.objects}</strong> items you may see, holding <strong>{totals.textLength}</strong> characters of text.
      </p>

      <section className="figure" aria-labelledby="fig-partners">
        <h3 id="fig-partners">Share of the picture each partner sees</h3>
        <BarChart {...CHART} data={shares}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="nation" />
          <YAxis unit=" %" domain={[0, 100]} />
          <Tooltip />
          <Legend />
          <Bar dataKey="objects" name="Items" fill={COLOURS.objects} isAnimationActive={false} />
          <Bar dataKey="text" name="Text" fill={COLOURS.text} isAnimationActive={false} />
        </BarChart>
        <table className="figure-table" aria-label="Share per partner">
          <thead>
            <tr>
              <th scope="col">Partner</th>
              <th scope="col">Items</th>
              <th scope="col">Share of items</th>
              <th scope="col">Share of text</th>
            </tr>
          </thead>
          <tbody>
            {partners.map((p) => (
              <tr key={p.nation}>
                <th scope="row">{p.nation}</th>
                <td>{p.objects}</td>
                <td>{formatShare(p.objectShare)}</td>
                <td>{formatShare(p.textShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="figure" aria-labelledby="fig-noforn">
        <h3 id="fig-noforn">NOFORN rate</h3>
        <p data-testid="noforn-rate">
          <strong>{formatShare(noforn.rate)}</strong> of items are NOFORN ({noforn.objects} of {totals.objects}).
        </p>
        {totals.objects > 0 && (
          <PieChart width={240} height={200}>
            <Pie
              data={[
                { name: 'NOFORN', value: noforn.objects },
                { name: 'Releasable', value: totals.objects - noforn.objects },
              ]}
              dataKey="value"
              nameKey="name"
              outerRadius={70}
              isAnimationActive={false}
            >
              <Cell fill={COLOURS.noforn} />
              <Cell fill={COLOURS.releasable} />
            </Pie>
            <Legend />
          </PieChart>
        )}
      </section>

      <section className="figure" aria-labelledby="fig-releases">
        <h3 id="fig-releases">Release requests ({releases.requested})</h3>
        <BarChart {...CHART} data={outcomes}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" interval={0} tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Bar dataKey="count" name="Requests" isAnimationActive={false}>
            {outcomes.map((o) => (
              <Cell key={o.key} fill={o.colour} />
            ))}
          </Bar>
        </BarChart>
        <table className="figure-table" aria-label="Release requests by outcome">
          <tbody>
            {outcomes.map((o) => (
              <tr key={o.key}>
                <th scope="row">{o.label}</th>
                <td>{o.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="figure" aria-labelledby="fig-times">
        <h3 id="fig-times">Time from request to decision</h3>
        <p data-testid="decision-times">
          {count === 0
            ? 'No request has been decided yet.'
            : `Median ${formatElapsed(medianMs)}, 90th percentile ${formatElapsed(p90Ms)}, over ${count} decided request${count === 1 ? '' : 's'} (approved, denied or released automatically).`}
        </p>
        {count > 0 && (
          <BarChart {...CHART} height={180} data={times} layout="vertical">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" unit={` ${unit.label}`} />
            <YAxis type="category" dataKey="name" width={110} />
            <Tooltip />
            <Bar dataKey="value" name={`Time (${unit.label})`} fill={COLOURS.neutral} isAnimationActive={false} />
          </BarChart>
        )}
      </section>

      <section className="figure" aria-labelledby="fig-denials">
        <h3 id="fig-denials">Denials by category</h3>
        {releases.denialsByReason.length === 0 ? (
          <p className="muted">No release has been denied.</p>
        ) : (
          <>
            <BarChart {...CHART} height={60 + 36 * byCategory.length} data={byCategory} layout="vertical">
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="label" width={200} tick={{ fontSize: 11 }} />
              <Tooltip />
              <Bar dataKey="count" name="Denials" fill={COLOURS.noforn} isAnimationActive={false} />
            </BarChart>
            <table className="figure-table" aria-label="Denials by category">
              <tbody>
                {byCategory.map((d) => (
                  <tr key={d.label}>
                    <th scope="row">{d.label}</th>
                    <td>{d.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="figure-table" aria-label="Denials by reason">
              <tbody>
                {releases.denialsByReason.map((d) => (
                  <tr key={d.reason}>
                    <th scope="row">{d.reason}</th>
                    <td>{d.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}
