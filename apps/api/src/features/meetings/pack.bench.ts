/**
 * Meeting pack benchmark (issue 18: a 7-item pack took 6.7 s with no progress shown): the PDF
 * of a meeting with 10 agenda items (10 new hotspots over 600 synthetic records), end to end
 * through GET /api/meetings/{id}/pack.pdf as the chair on PGlite: the published layers, the
 * 10 maps, the HTML and Chromium's print. Budget: under 3 s. Median of 3 runs after a warm-up
 * (1 run in quick mode). Reported with value null when no Chromium is installed.
 */
import { existsSync } from 'node:fs';
import type { BenchResult } from '@hotspot/analysis';
import { createDb, migrateToLatest } from '@hotspot/db';
import {
  createTestApp,
  createTestClock,
  request,
  seedPartnership,
  signIn,
} from '../../testing/fixtures.ts';
import { type CraftedRecord, insertRecords } from '../disclosure/testing.ts';
import { setPartnershipArea } from '../hotspots/test-support.ts';
import { DEFAULT_CHROMIUM_PATH } from './pdf-renderer.ts';
import { insertHotspot } from './test-support.ts';

const BUDGET_MS = 3000;
const ITEMS = 10;

type PackBenchResult = Omit<BenchResult, 'value'> & {
  readonly value: number | null;
  readonly note?: string;
};

export async function run(opts: { quick: boolean }): Promise<PackBenchResult[]> {
  const name = `meeting pack PDF, ${ITEMS} agenda items (PGlite, GET pack.pdf end to end)`;
  const chromium = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
  if (!existsSync(chromium)) {
    return [
      {
        name,
        value: null,
        unit: 'ms',
        budget: `< ${BUDGET_MS}`,
        note: `no Chromium at ${chromium}`,
      },
    ];
  }
  const db = await createDb({ memory: true });
  try {
    await migrateToLatest(db.kysely);
    const { app, deps } = createTestApp(db, {
      clock: createTestClock('2025-03-01T09:00:00Z'),
      env: { CHROMIUM_PATH: chromium },
    });
    const seed = await seedPartnership(deps, { suppressionK: 3 });
    await setPartnershipArea(deps, seed.partnershipId);
    const analyst = seed.users.analyst.id;
    // Ten busy squares of 60 reports each, 1 km apart, each the area of one new hotspot.
    const records: CraftedRecord[] = [];
    for (let h = 0; h < ITEMS; h++) {
      for (let i = 0; i < 60; i++) {
        records.push({
          easting: 380_200 + (h % 5) * 1000 + (i % 6) * 30,
          northing: 271_200 + Math.floor(h / 5) * 1000 + Math.floor(i / 6) * 20,
          handlingCode: 'P',
          reportedOn: `2025-0${1 + (i % 2)}-${String(1 + (i % 27)).padStart(2, '0')}`,
        });
      }
      const [x, y] = [380_150 + (h % 5) * 1000, 271_150 + Math.floor(h / 5) * 1000];
      await insertHotspot(deps, seed.partnershipId, analyst, {
        name: `Hotspot ${h + 1}`,
        status: 'proposed',
        createdAt: '2025-02-10T12:00:00Z',
        bng: [x, y, x + 250, y + 250],
      });
    }
    await insertRecords(db, seed.partnershipId, analyst, seed.agencies.POL!, records, deps.newId);
    const chair = await signIn(app, seed.users.chair.email, seed.users.chair.password);
    const created = await request(app, 'POST', '/api/meetings', {
      cookie: chair,
      json: { title: 'Bench tasking', startsAt: '2025-03-03T10:00:00Z', online: true },
    });
    const meetingId = ((await created.json()) as { id: string }).id;
    const agenda = (await (
      await request(app, 'GET', `/api/meetings/${meetingId}/agenda`, { cookie: chair })
    ).json()) as { items: unknown[] };
    if (agenda.items.length !== ITEMS) {
      throw new Error(`expected ${ITEMS} agenda items, got ${agenda.items.length}`);
    }
    const once = async (format: 'pdf' | 'html') => {
      const started = performance.now();
      const response = await request(app, 'GET', `/api/meetings/${meetingId}/pack.${format}`, {
        cookie: chair,
      });
      const body = Buffer.from(await response.arrayBuffer());
      const ms = performance.now() - started;
      if (response.headers.get('x-pack-format') !== format || body.length === 0) {
        throw new Error(`no ${format} was made (${response.status})`);
      }
      return ms;
    };
    const medianOf = async (format: 'pdf' | 'html') => {
      await once(format); // warm: Chromium's first start reads its files from disk
      const runs: number[] = [];
      for (let i = 0; i < (opts.quick ? 1 : 3); i++) runs.push(await once(format));
      runs.sort((a, b) => a - b);
      return runs[Math.floor(runs.length / 2)]!;
    };
    const median = await medianOf('pdf');
    // The same pack without Chromium: what the figures and maps cost, apart from printing.
    const html = await medianOf('html');
    return [
      {
        name: `meeting pack printable page, ${ITEMS} agenda items (PGlite, GET pack.html)`,
        value: Math.round(html),
        unit: 'ms',
        baseline: null,
        ratio: null,
        budget: null,
        pass: null,
      },
      {
        name,
        value: Math.round(median),
        unit: 'ms',
        baseline: null,
        ratio: null,
        budget: `< ${BUDGET_MS}`,
        pass: median < BUDGET_MS,
      },
    ];
  } finally {
    await db.close();
  }
}
