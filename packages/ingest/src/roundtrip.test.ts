import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ingestAll } from './ingest.ts';
import { NATIVE_FIELDS } from './native-columns.ts';
import { AREA, OPTIONS, TAXONOMY } from './test-support.ts';
import { csvField, writeNativeCsv } from './write.ts';

const [minX, minY, maxX, maxY] = AREA.bbox;

const text = (chars: string[]) => fc.string({ unit: fc.constantFrom(...chars), maxLength: 40 });
const messyChars = [
  'a',
  'Z',
  ' ',
  ',',
  ';',
  '"',
  '\n',
  '\r\n',
  '\t',
  'é',
  '–',
  '£',
  '=',
  '-',
  '7',
  '/',
];

const date = fc
  .date({
    min: new Date('1999-06-01T00:00:00Z'),
    max: new Date('2024-07-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString().slice(0, 10),
      `${d.toISOString().slice(8, 10)}/${d.toISOString().slice(5, 7)}/${d.toISOString().slice(0, 4)}`,
      `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`,
    ),
  );

const location = fc.oneof(
  fc
    .tuple(
      fc.double({ min: minX, max: maxX, noNaN: true }),
      fc.double({ min: minY, max: maxY, noNaN: true }),
    )
    .map(([lng, lat]) => ({ longitude: String(lng), latitude: String(lat) })),
  fc
    .tuple(fc.integer({ min: 375_000, max: 410_000 }), fc.integer({ min: 260_000, max: 285_000 }))
    .map(([e, n]) => ({ easting: String(e), northing: String(n) })),
  fc
    .tuple(
      fc.constantFrom(2, 4, 6, 8, 10),
      fc.integer({ min: 75_000, max: 99_999 }),
      fc.integer({ min: 60_000, max: 85_000 }),
    )
    .map(([digits, e, n]) => {
      const half = digits / 2;
      const s = (v: number) => String(v).slice(0, half);
      return { grid_ref: `SO ${s(e)} ${s(n)}` };
    }),
  fc.constant({}),
);

const row = fc.record({
  reported_on: date,
  occurred_from: fc.oneof(
    { arbitrary: fc.constant(''), weight: 3 },
    { arbitrary: date, weight: 1 },
  ),
  occurred_to: fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: date, weight: 1 }),
  location,
  location_precision: fc.constantFrom('', 'exact', 'street', 'area', 'Street'),
  place_type: fc.constantFrom(...TAXONOMY.placeTypes, 'TAKEAWAY', 'nowhere'),
  category: fc.constantFrom(...TAXONOMY.categories),
  source_agency: fc.constantFrom(...TAXONOMY.agencies, 'wfdc'),
  source_grade: fc.constantFrom('1', '2', '3', '2', '4'),
  intelligence_grade: fc.constantFrom('A', 'b', 'C', 'D', 'E', 'B', 'F'),
  handling_code: fc.constantFrom('P', 'C', 'c'),
  summary: fc.oneof(fc.constant(''), text(messyChars), text(['a', 'b', ' ', ',', '"', '\n'])),
  external_ref: fc.oneof(fc.constant(''), text(['A', '1', '-', '/', ' ', '#'])),
});

function toCsv(rows: readonly Record<string, unknown>[]): string {
  const lines = [NATIVE_FIELDS.join(',')];
  for (const r of rows) {
    const cells = NATIVE_FIELDS.map((field) => {
      const loc = r.location as Record<string, string>;
      const value = (field in loc ? loc[field] : r[field]) as string | undefined;
      return csvField(value ?? '');
    });
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('native CSV round trip', () => {
  it('any row the parser accepts survives writeNativeCsv and a second parse unchanged', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 10 }), async (rows) => {
        let first: Awaited<ReturnType<typeof ingestAll>>;
        try {
          first = await ingestAll(toCsv(rows), OPTIONS);
        } catch {
          return; // e.g. every row blank: a file-level refusal is not an accepted row
        }
        if (first.records.length === 0) return;
        accepted += first.records.length;
        const second = await ingestAll(writeNativeCsv(first.records), OPTIONS);
        expect(second.errors).toEqual([]);
        const strip = ({ row: _row, ...rest }: { row: number }) => rest;
        expect(second.records.map(strip)).toEqual(first.records.map(strip));
      }),
      { numRuns: 400 },
    );
    expect(accepted).toBeGreaterThan(50);
  });
});
