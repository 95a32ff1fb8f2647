// Test helpers for the batches feature: a partnership with the North Worcestershire area and the
// demo taxonomy, and upload requests as the web app sends them. Not used by production code.
import { northWorcestershire } from '@hotspot/fixtures';
import { NATIVE_FIELDS, type NativeField } from '@hotspot/ingest';
import { sql } from 'kysely';
import type { AppDeps } from '../../deps.ts';
import {
  request,
  type SeededPartnership,
  seedPartnership,
  TEST_ORIGIN,
  type TestApp,
} from '../../testing/fixtures.ts';
import { DEMO_CATEGORIES, DEMO_PLACE_TYPES, DEMO_POLICE_UK_MAPPING } from '../demo/index.ts';

/**
 * seedPartnership plus what uploads need: the area (polygons kept vertex for vertex, not unioned,
 * so containment matches the ingest package's measured counts), the demo categories, place types
 * (with 'street' for police.uk rows) and police.uk mapping. The police agency is POL.
 */
export async function seedUploadPartnership(
  deps: AppDeps,
  options: { slug?: string } = {},
): Promise<SeededPartnership> {
  const seeded = await seedPartnership(deps, options);
  const geometries = northWorcestershire().features.map((f) => JSON.stringify(f.geometry));
  const db = deps.db.kysely;
  await db
    .updateTable('partnership')
    .set({
      area: sql<string>`(select ST_Multi(ST_Collect(d.geom)) from unnest(${geometries}::text[]) as g,
        lateral ST_Dump(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)) as d)`,
    })
    .where('id', '=', seeded.partnershipId)
    .execute();
  await db
    .insertInto('category')
    .values(
      DEMO_CATEGORIES.map((c) => ({
        partnership_id: seeded.partnershipId,
        ...c,
        description: null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .insertInto('place_type')
    .values(
      DEMO_PLACE_TYPES.map((c) => ({
        partnership_id: seeded.partnershipId,
        ...c,
        description: null,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .deleteFrom('police_uk_mapping')
    .where('partnership_id', '=', seeded.partnershipId)
    .execute();
  await db
    .insertInto('police_uk_mapping')
    .values(
      Object.entries(DEMO_POLICE_UK_MAPPING).map(([crime_type, category_code]) => ({
        partnership_id: seeded.partnershipId,
        crime_type,
        category_code,
      })),
    )
    .execute();
  return seeded;
}

/** A native CSV row; unspecified columns are the valid defaults below (Kidderminster). */
export type NativeRow = Partial<Record<NativeField, string>>;

export const VALID_ROW: Readonly<Record<NativeField, string>> = {
  reported_on: '2024-03-14',
  occurred_from: '',
  occurred_to: '',
  longitude: '-2.2486',
  latitude: '52.3886',
  easting: '',
  northing: '',
  grid_ref: '',
  location_precision: 'exact',
  place_type: 'takeaway',
  category: 'concern-premises',
  source_agency: 'WFDC',
  source_grade: '2',
  intelligence_grade: 'B',
  handling_code: 'P',
  summary: 'Adults seen with young people late evening',
  external_ref: '',
};

function cell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A native CSV (CRLF) of the given rows over the valid defaults. */
export function nativeCsv(
  rows: readonly NativeRow[],
  columns: readonly NativeField[] = NATIVE_FIELDS,
): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(row[c] ?? VALID_ROW[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** POST /api/batches with the raw file as the body, as the web app uploads. */
export function uploadRaw(
  app: TestApp,
  cookie: string,
  body: string | Uint8Array | ReadableStream<Uint8Array>,
  options: {
    contentType?: string;
    profile?: string;
    fileName?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  const params = new URLSearchParams();
  params.set('fileName', options.fileName ?? 'upload.csv');
  if (options.profile) params.set('profile', options.profile);
  return Promise.resolve(
    app.request(`/api/batches?${params}`, {
      method: 'POST',
      headers: {
        origin: TEST_ORIGIN,
        cookie,
        'content-type': options.contentType ?? 'text/csv',
        ...options.headers,
      },
      body: body as RequestInit['body'],
      // Needed by fetch's Request for a streamed body.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit),
  );
}

/** POST /api/batches as multipart/form-data (fields first, then the file). */
export function uploadMultipart(
  app: TestApp,
  cookie: string,
  content: string | Uint8Array,
  options: { profile?: string; fileName?: string } = {},
): Promise<Response> {
  const form = new FormData();
  if (options.profile) form.append('profile', options.profile);
  if (options.fileName) form.append('fileName', options.fileName);
  form.append(
    'file',
    new Blob([content as Uint8Array<ArrayBuffer>], { type: 'text/csv' }),
    'from-disk.csv',
  );
  return Promise.resolve(
    app.request('/api/batches', {
      method: 'POST',
      headers: { origin: TEST_ORIGIN, cookie },
      body: form,
    }),
  );
}

/** A byte stream of `chunks` produced on demand; `failAfter` makes it error like a dropped connection. */
export function streamOf(
  chunks: Iterable<Uint8Array>,
  options: { failAfter?: number } = {},
): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.iterator]();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        controller.error(new Error('connection reset by peer'));
        return;
      }
      const next = iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      sent++;
      controller.enqueue(next.value);
    },
  });
}

/** Rows of the given tables for a partnership: the "nothing persisted" check. */
export async function stagingCounts(
  deps: AppDeps,
  partnershipId: string,
): Promise<{ batches: number; stagedRows: number; problems: number; records: number }> {
  const one = async (query: ReturnType<typeof sql<{ n: string }>>) =>
    Number((await query.execute(deps.db.kysely)).rows[0]?.n ?? 0);
  return {
    batches: await one(
      sql`select count(*)::text as n from batch where partnership_id = ${partnershipId}`,
    ),
    stagedRows: await one(
      sql`select count(*)::text as n from batch_row r join batch b on b.id = r.batch_id where b.partnership_id = ${partnershipId}`,
    ),
    problems: await one(
      sql`select count(*)::text as n from batch_error e join batch b on b.id = e.batch_id where b.partnership_id = ${partnershipId}`,
    ),
    records: await one(
      sql`select count(*)::text as n from intelligence_record where partnership_id = ${partnershipId}`,
    ),
  };
}

export { request };
