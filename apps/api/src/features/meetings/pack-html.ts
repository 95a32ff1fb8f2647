import {
  ACTION_PRIORITY_LABELS,
  ACTION_STATUS_LABELS,
  countClassLabels,
  countColour,
  HOTSPOT_STATUS_STYLES,
} from '@hotspot/contracts';
import type { DisclosedCount } from '../disclosure/index.ts';
import { day, when } from './human-dates.ts';
import type { AgendaAction } from './meetings.queries.ts';
import { escapeXml } from './pack-map-svg.ts';
import type { PackModel } from './pack-model.ts';

/**
 * The meeting pack as one self-contained HTML document (inline CSS and SVG, no scripts, no
 * external resources): the printable page, and what headless Chromium turns into the PDF.
 * Page structure: a cover (meeting, attendance, agenda), one page per agenda item, and the
 * action list; print CSS starts each on a new page.
 */

const KIND_LABELS: Readonly<Record<string, string>> = {
  'new-hotspot': 'New hotspot',
  'emerging-hotspot': 'Emerging hotspot',
  'review-due': 'Review due',
  'overdue-action': 'Overdue action',
  'awaiting-acknowledgement': 'Awaiting acknowledgement',
  'completed-action': 'Completed action',
  custom: 'Item',
};

// Actions in the words the screens use; a meeting's own statuses besides.
const STATUS_LABELS: Readonly<Record<string, string>> = {
  ...ACTION_STATUS_LABELS,
  planned: 'Planned',
  closed: 'Closed',
};

const STYLE = `
  @page { size: A4; margin: 14mm 14mm 16mm; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1b1b1b; font-size: 10.5pt; line-height: 1.4; margin: 0; }
  main { max-width: 190mm; margin: 0 auto; }
  h1 { font-size: 20pt; margin: 0 0 4mm; }
  h2 { font-size: 15pt; margin: 0 0 2mm; }
  h3 { font-size: 11.5pt; margin: 4mm 0 1.5mm; }
  .notice { border: 2px solid #8a6d00; background: #fff8db; padding: 3mm; margin-bottom: 4mm; }
  .meta { color: #444; margin: 0 0 3mm; }
  .kind { display: inline-block; font-size: 9pt; text-transform: uppercase; letter-spacing: 0.04em; color: #0b4f8a; margin-bottom: 1mm; }
  table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
  th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #ccc; padding: 1.2mm 1.5mm; }
  th { background: #f0f0f0; }
  .page { page-break-after: always; break-after: page; }
  .page:last-child { page-break-after: auto; break-after: auto; }
  .pack-map { width: 100%; height: auto; border: 1px solid #999; display: block; }
  .facts { display: flex; gap: 6mm; flex-wrap: wrap; margin: 2mm 0; }
  .facts div { min-width: 30mm; }
  .facts dt { font-size: 8.5pt; color: #555; }
  .facts dd { margin: 0; font-weight: bold; }
  .legend { font-size: 8.5pt; color: #333; margin: 1mm 0 0; }
  .swatch { display: inline-block; width: 3.5mm; height: 3.5mm; border: 1px solid #999; vertical-align: middle; margin: 0 1mm 0 3mm; }
  ul.decisions { padding-left: 5mm; margin: 1mm 0; }
  .overdue { color: #a40000; font-weight: bold; }
  .nowrap { white-space: nowrap; }
  footer { font-size: 8pt; color: #555; margin-top: 4mm; }
  @media screen { body { background: #e9e9e9; } .page { background: #fff; margin: 6mm auto; padding: 10mm; max-width: 210mm; box-shadow: 0 1px 4px #0003; } }
`;

/** "very-high" -> "Very high", as the screens label risk levels. */
function riskLabel(risk: string): string {
  const words = risk.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function disclosed(count: DisclosedCount | null, k: number): string {
  if (!count) return 'not applicable';
  return 'suppressed' in count ? `fewer than ${k}` : `about ${count.count}`;
}

function actionRows(actions: readonly AgendaAction[], options: { outcome: boolean }): string {
  if (actions.length === 0) return '<p>No actions.</p>';
  const rows = actions
    .map(
      (a) => `<tr>
        <td>${escapeXml(a.title)}<br><small>${escapeXml(a.hotspotName)}</small></td>
        <td>${escapeXml(a.agency.code)}</td>
        <td>${escapeXml(ACTION_PRIORITY_LABELS[a.priority])}</td>
        <td class="nowrap">${escapeXml(day(a.dueOn))}</td>
        <td${a.overdue ? ' class="overdue"' : ''}>${escapeXml(STATUS_LABELS[a.status] ?? a.status)}${a.overdue ? ' (overdue)' : ''}</td>
        ${options.outcome ? `<td>${a.outcome ? escapeXml(a.outcome) : ''}</td>` : ''}
      </tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Action</th><th>Agency</th><th>Priority</th><th>Due</th><th>Status</th>${options.outcome ? '<th>Outcome</th>' : ''}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The maps' key, built from the same classes and colours the maps are drawn with (and the web
 * map's key shows): count classes of the disclosed hexagons, and the hotspot statuses drawn.
 */
function packLegend(model: PackModel): string {
  const swatch = (fill: string, stroke: string) =>
    `<span class="swatch" style="background:${fill};border-color:${stroke}"></span>`;
  const hotspots = model.hotspotStatuses
    .map((status) => {
      const style = HOTSPOT_STATUS_STYLES[status];
      return `${swatch(`${style.colour}33`, style.colour)}${escapeXml(style.label)} hotspot`;
    })
    .join('');
  if (model.audience !== 'partnership') {
    return hotspots ? `<p class="legend">${hotspots} (areas generalised)</p>` : '';
  }
  const classes = countClassLabels(model.countBounds)
    .map(
      (label, i) =>
        `${swatch(countColour(i, model.countBounds.length), '#505a5f')}${escapeXml(label)}`,
    )
    .join('');
  return `<p class="legend">Reports per hexagon, ${escapeXml(day(model.period.from))} to ${escapeXml(day(model.period.to))}, handling code P only: ${classes}. Hexagons with fewer than ${model.k} reports are not shown.${hotspots ? `<br>${hotspots} (areas generalised)` : ''}</p>`;
}

export function renderPackHtml(model: PackModel, options: { notice?: string } = {}): string {
  const m = model.meeting;
  const audience =
    model.audience === 'partnership'
      ? 'Partnership copy: aggregate data only, suitable for circulation to partner agencies.'
      : `Copy for ${escapeXml(model.audience.agencyCode)}: only this agency's actions and the hotspots they concern.`;
  const where = [m.place, m.online ? 'online' : null].filter(Boolean).join(' and ');
  const attendance = m.attendees.length
    ? `<table><thead><tr><th>Agency</th><th>Attended by</th><th>Present</th></tr></thead><tbody>${m.attendees
        .map(
          (a) =>
            `<tr><td>${escapeXml(a.agency.name)} (${escapeXml(a.agency.code)})</td><td>${a.user ? escapeXml(a.user.name) : ''}</td><td>${a.present ? 'Yes' : 'No'}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '<p>No agencies invited.</p>';
  const agendaList = model.items.length
    ? `<ol>${model.items.map((p) => `<li>${escapeXml(p.item.title)}</li>`).join('')}</ol>`
    : '<p>The agenda is empty.</p>';
  const legend = packLegend(model);
  const itemPages = model.items
    .map(({ item, reports, mapSvg, mapOnItem }, index) => {
      const facts = item.hotspot
        ? `<dl class="facts">
            <div><dt>Hotspot</dt><dd>${escapeXml(item.hotspot.name)}</dd></div>
            <div><dt>Status</dt><dd>${escapeXml(HOTSPOT_STATUS_STYLES[item.hotspot.status]?.label ?? item.hotspot.status)}</dd></div>
            <div><dt>Risk</dt><dd>${escapeXml(item.hotspot.risk ? riskLabel(item.hotspot.risk) : 'Not rated')}</dd></div>
            <div><dt>Review</dt><dd>${escapeXml(item.hotspot.reviewOn ? day(item.hotspot.reviewOn) : 'Not set')}</dd></div>
            <div><dt>Reports (12 months)</dt><dd>${escapeXml(disclosed(reports, model.k))}</dd></div>
          </dl>`
        : '';
      const about = item.action
        ? `<h3>The action</h3>${actionRows([item.action], { outcome: true })}`
        : '';
      const others = item.hotspotActions.filter((a) => a.id !== item.action?.id);
      const decisions = item.decisions.length
        ? `<ul class="decisions">${item.decisions.map((d) => `<li>${escapeXml(d.text)} <small>(${escapeXml(d.by)}, ${escapeXml(when(d.at))})</small></li>`).join('')}</ul>`
        : '<p>No decision recorded.</p>';
      return `<section class="page" aria-labelledby="item-${index + 1}">
        <span class="kind">${escapeXml(KIND_LABELS[item.kind] ?? item.kind)}</span>
        <h2 id="item-${index + 1}">${index + 1}. ${escapeXml(item.title)}</h2>
        ${facts}
        ${mapSvg ? `${mapSvg}${legend}` : `<p class="meta">Map: as on the page of item ${mapOnItem}.</p>`}
        ${about}
        ${item.hotspot ? `<h3>Actions on this hotspot</h3>${actionRows(others, { outcome: false })}` : ''}
        <h3>Decisions</h3>
        ${decisions}
      </section>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${escapeXml(m.title)}: meeting pack</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<section class="page" aria-labelledby="pack-title">
  ${options.notice ? `<p class="notice" role="note">${escapeXml(options.notice)}</p>` : ''}
  <h1 id="pack-title">${escapeXml(m.title)}</h1>
  <p class="meta">${escapeXml(when(m.startsAt))} (UK time)${where ? `, ${escapeXml(where)}` : ''}. Status: ${escapeXml(STATUS_LABELS[m.status] ?? m.status.replace('_', ' '))}.</p>
  <p>${audience}</p>
  <h3>Attendance</h3>
  ${attendance}
  <h3>Agenda</h3>
  ${agendaList}
  <footer>Generated ${escapeXml(when(model.generatedAt))} (UK time). Counts come from the partnership's published table: whole months, areas drawn as whole hexagons, each count perturbed by at most ${model.perturbationBound}, and fewer than ${model.k} not shown; records with handling code C are excluded. Boundaries contain Ordnance Survey and Office for National Statistics data © Crown copyright and database right.</footer>
</section>
${itemPages}
<section class="page" aria-labelledby="actions-title">
  <h2 id="actions-title">Action list</h2>
  ${actionRows(model.actions, { outcome: true })}
  <h3>Actions agreed at this meeting</h3>
  ${actionRows(model.actionsCreated, { outcome: false })}
</section>
</main>
</body>
</html>`;
}
