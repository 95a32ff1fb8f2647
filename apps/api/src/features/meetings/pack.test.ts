import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNT_PALETTE } from '@hotspot/contracts';
import type { Db } from '@hotspot/db';
import { testDatabases } from '@hotspot/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../deps.ts';
import {
  createTestApp,
  createTestClock,
  request,
  type SeededPartnership,
  seedPartnership,
  signIn,
  type TestApp,
} from '../../testing/fixtures.ts';
import { type CraftedRecord, insertRecords, storedRecords } from '../disclosure/testing.ts';
import { setPartnershipArea } from '../hotspots/test-support.ts';
import { DEFAULT_CHROMIUM_PATH } from './pdf-renderer.ts';
import { insertAction, insertHotspot } from './test-support.ts';

// The meeting pack is circulated to partners: aggregate only, whoever asks. On a crafted data
// set (a busy hotspot, a hotspot with two reports, C-coded reports, summaries that must never
// leak) the printable page and the PDF carry no record-level data, show "fewer than k" rather
// than a small count, and have a page per agenda item; a partner's copy holds only its agency's.

const K = 3;
const SECRET = 'SECRET-SUMMARY';
const PDF_AVAILABLE = existsSync(process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH);

/** The PDF's text, pages separated by form feeds, laid out as printed (pdftotext -layout). */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'pack-pdf-'));
  try {
    const file = join(dir, 'pack.pdf');
    writeFileSync(file, pdf);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pages of a PDF: its page objects ("/Type /Page", not the "/Pages" tree nodes). */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}

describe.each(testDatabases())('meeting pack on $kind', (target) => {
  let db: Db;
  let app: TestApp;
  let deps: AppDeps;
  let seed: SeededPartnership;
  let chair: string;
  let meetingId: string;
  let itemCount: number;

  beforeAll(async () => {
    db = await target.open();
    ({ app, deps } = createTestApp(db, {
      clock: createTestClock('2025-03-01T09:00:00Z'),
      env: { CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH },
    }));
    seed = await seedPartnership(deps, { suppressionK: K });
    await setPartnershipArea(deps, seed.partnershipId);
    const analyst = seed.users.analyst.id;
    const records: CraftedRecord[] = [];
    // Busy: 12 P reports in a 200 m square; quiet: 2 P reports; plus C reports in both.
    for (let i = 0; i < 12; i++) {
      records.push({
        easting: 383_050 + (i % 4) * 50,
        northing: 273_050 + Math.floor(i / 4) * 50,
        handlingCode: 'P',
        reportedOn: '2025-01-15',
        summary: `${SECRET} busy ${i}`,
      });
    }
    records.push(
      {
        easting: 384_610,
        northing: 274_620,
        handlingCode: 'P',
        reportedOn: '2025-02-01',
        summary: `${SECRET} quiet a`,
      },
      {
        easting: 384_680,
        northing: 274_690,
        handlingCode: 'P',
        reportedOn: '2025-02-02',
        summary: `${SECRET} quiet b`,
      },
      {
        easting: 383_120,
        northing: 273_140,
        handlingCode: 'C',
        reportedOn: '2025-02-03',
        summary: `${SECRET} c-coded`,
      },
    );
    await insertRecords(db, seed.partnershipId, analyst, seed.agencies.POL!, records, deps.newId);

    const busy = await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'Busy precinct',
      status: 'tasked',
      createdAt: '2025-02-10T12:00:00Z',
      bng: [383_000, 273_000, 383_250, 273_200],
    });
    await insertHotspot(deps, seed.partnershipId, analyst, {
      name: 'Quiet corner',
      status: 'proposed',
      createdAt: '2025-02-12T12:00:00Z',
      bng: [384_550, 274_550, 384_750, 274_750],
    });
    await insertAction(deps, seed.partnershipId, busy, analyst, {
      title: 'WRS licensing visit',
      agencyId: seed.agencies.WRS!,
      status: 'assigned',
      dueOn: '2025-04-01',
      createdAt: '2025-02-20T12:00:00Z',
    });
    await insertAction(deps, seed.partnershipId, busy, analyst, {
      title: 'Police patrol plan',
      agencyId: seed.agencies.POL!,
      status: 'acknowledged',
      dueOn: '2025-02-20',
      createdAt: '2025-02-10T12:00:00Z',
    });

    chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const created = await request(app, 'POST', '/api/meetings', {
      cookie: chair,
      json: {
        title: 'March tasking',
        startsAt: '2025-03-03T10:00:00Z',
        online: true,
        attendeeAgencyIds: [seed.agencies.POL, seed.agencies.WRS],
      },
    });
    meetingId = ((await created.json()) as { id: string }).id;
    const agenda = (await (
      await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, { cookie: chair })
    ).json()) as { items: { id: string; kind: string }[] };
    itemCount = agenda.items.length;
    await request(app, 'POST', `/api/meetings/${meetingId}/items/${agenda.items[0]!.id}/decision`, {
      cookie: chair,
      json: { text: 'Confirm both hotspots; WRS to visit before Easter.' },
    });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('prints aggregates only: no record ids, summaries or coordinates, and no count below k', async () => {
    expect(itemCount).toBe(4); // two new hotspots, one overdue, one awaiting acknowledgement
    const response = await request(app, 'GET', `/api/meetings/${meetingId}/pack.html`, {
      cookie: chair,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pack-format')).toBe('html');
    const html = await response.text();
    expect(html).toContain('Busy precinct');
    expect(html).toContain('Confirm both hotspots; WRS to visit before Easter.');
    expect(html).not.toContain(SECRET);
    // The quiet hotspot's two reports are suppressed; the busy one's are a published value,
    // within the bound of the truth, and the footer says how counts are published.
    expect(html).toMatch(/Quiet corner[\s\S]*?Reports \(12 months\)<\/dt><dd>fewer than 3</);
    const busy = /Busy precinct[\s\S]*?Reports \(12 months\)<\/dt><dd>about (\d+)</.exec(html);
    expect(Number(busy?.[1])).toBeGreaterThanOrEqual(8);
    expect(html).toContain('perturbed by at most 2, and fewer than 3 not shown');
    expect(html).not.toMatch(/<dd>(about )?[12]<\/dd>/);
    for (const record of await storedRecords(db, seed.partnershipId)) {
      expect(html).not.toContain(`${record.lng.toFixed(5)}`);
      expect(html).not.toContain(`${record.lat.toFixed(5)}`);
      expect(html).not.toMatch(new RegExp(`record[^<]{0,20}\\b${record.id}\\b`, 'i'));
    }
    // Self-contained: nothing is fetched when it is printed.
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toContain('<script');
    // One cover page, one page per item, the action list.
    expect((html.match(/<section class="page"/g) ?? []).length).toBe(itemCount + 2);
  });

  it.skipIf(!PDF_AVAILABLE)(
    'renders a PDF with a page per agenda item, audited as a disclosure',
    async () => {
      const response = await request(app, 'GET', `/api/meetings/${meetingId}/pack.pdf`, {
        cookie: chair,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfPageCount(pdf)).toBe(itemCount + 2);
      // Its text, page by page (pdftotext, poppler-utils): every item page carries its item, no
      // page holds only a left-over "No decision recorded", dates are written as the screens
      // write them and times are UK time, and a due date is never broken across lines.
      const pages = pdfText(pdf)
        .split('\f')
        .slice(0, itemCount + 2);
      for (let i = 1; i <= itemCount; i++) {
        expect(pages[i]).toMatch(new RegExp(`^\\s*${i}\\. \\S`, 'm'));
      }
      for (const page of pages)
        expect(page.trim()).not.toMatch(/^(Decisions\s*)?No decision recorded\.$/);
      // Statuses as the screens say them; a map is printed once and referred to after.
      expect(pages.join('\n')).toContain('Awaiting acknowledgement');
      expect(pages.join('\n')).not.toMatch(/\b(assigned|in_progress|very-high)\b/);
      expect(pages.filter((p) => /Map: as on the page of item \d+\./.test(p))).toHaveLength(
        itemCount - 2,
      );
      const text = pages.join('\n');
      expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
      expect(text).not.toContain('UTC');
      expect(text).toContain('3 Mar 2025, 10:00 (UK time)');
      expect(text).toMatch(/WRS licensing visit.*1 Apr 2025/);
      const events = await db.kysely
        .selectFrom('audit_event')
        .select(['category', 'action', 'actor_role'])
        .where('object_id', '=', meetingId)
        .where('action', '=', 'meeting.pack.pdf')
        .execute();
      expect(events).toEqual([
        { category: 'disclosure', action: 'meeting.pack.pdf', actor_role: 'chair' },
      ]);
    },
    60_000,
  );

  it("draws each map once, in the screen's palette, classes and hotspot colours", async () => {
    const html = await (
      await request(app, 'GET', `/api/meetings/${meetingId}/pack.html`, { cookie: chair })
    ).text();
    // Two hotspots, four items: each hotspot's map is drawn once; the overdue action and the
    // one awaiting acknowledgement (both on the busy precinct) point back to its page.
    const maps = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(maps).toHaveLength(2);
    expect(new Set(maps).size).toBe(maps.length);
    expect(html.match(/Map: as on the page of item \d+\./g)).toHaveLength(itemCount - 2);
    // Hexagons in the map's YlGnBu count palette, never the pack's former reds, and the key
    // names the map's classes (from the smallest shown count) and says what is left out.
    const fills = new Set(
      [...html.matchAll(/<path d="[^"]*" fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]),
    );
    expect([...fills].some((f) => (COUNT_PALETTE as readonly string[]).includes(f!))).toBe(true);
    for (const red of ['#fc8d59', '#e34a33', '#b30000']) expect(html).not.toContain(red);
    const legend = /<p class="legend">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
    expect(legend).toContain(`Hexagons with fewer than ${K} reports are not shown.`);
    // The classes end as the map's key ends: "<n> or more".
    expect(legend).toMatch(/\d+ or more/);
    // Hotspots outlined in their status's colour, their status in the screens' word.
    expect(html).toContain('stroke="#cc79a7"'); // tasked, as the map draws it
    expect(html).toMatch(/<dt>Status<\/dt><dd>Tasked<\/dd>/);
    expect(html).toContain('Tasked hotspot');
    expect(html).not.toMatch(/<dd>(tasked|proposed)<\/dd>/);
  });

  it("names an action's status in the screens' words", async () => {
    const html = await (
      await request(app, 'GET', `/api/meetings/${meetingId}/pack.html`, { cookie: chair })
    ).text();
    // The WRS visit is assigned and not yet acknowledged: said as the action board says it.
    const row = /<tr[^>]*>(?:(?!<\/tr>)[\s\S])*WRS licensing visit[\s\S]*?<\/tr>/.exec(html)?.[0];
    expect(row).toContain('Awaiting acknowledgement');
    expect(html).not.toMatch(/>Assigned</);
  });

  it('serves the printable page, and says so, when no PDF can be made', async () => {
    const { app: noChromium } = createTestApp(db, {
      clock: createTestClock('2025-03-01T09:00:00Z'),
      env: { CHROMIUM_PATH: '/nonexistent/chromium' },
    });
    const cookie = await signIn(noChromium, seed.users.viewer.email, seed.users.viewer.password);
    const response = await request(noChromium, 'GET', `/api/meetings/${meetingId}/pack.pdf`, {
      cookie,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-pack-format')).toBe('html');
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('A PDF could not be made on this server');
  });

  it("gives a partner a copy with only its agency's actions and the hotspots tied to them", async () => {
    const partner = await signIn(app, seed.users.partner.email, seed.users.partner.password);
    const response = await request(app, 'GET', `/api/meetings/${meetingId}/pack.html`, {
      cookie: partner,
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Copy for WRS');
    expect(html).toContain('WRS licensing visit');
    expect(html).toContain('Busy precinct');
    expect(html).not.toContain('Police patrol plan');
    expect(html).not.toContain('Quiet corner');
    expect(html).not.toContain(SECRET);
    // No hexagon layer for partners (they do not receive it on the map either).
    for (const colour of COUNT_PALETTE) expect(html).not.toContain(`fill="${colour}"`);
    const audit = await db.kysely
      .selectFrom('audit_event')
      .select(['category', 'query'])
      .where('object_id', '=', meetingId)
      .where('actor_role', '=', 'partner')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.category).toBe('disclosure');
  });
});
