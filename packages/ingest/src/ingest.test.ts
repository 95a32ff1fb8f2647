import { describe, expect, it } from 'vitest';
import { IngestFileError, IngestLimitError } from './errors.ts';
import { ingestAll } from './ingest.ts';
import { NATIVE_CSV_EXAMPLE, NATIVE_CSV_TEMPLATE } from './native-columns.ts';
import { chunked, fixture, OPTIONS } from './test-support.ts';

async function fileError(input: Uint8Array | string, options = OPTIONS): Promise<IngestFileError> {
  try {
    await ingestAll(input, options);
  } catch (error) {
    if (error instanceof IngestFileError) return error;
    throw error;
  }
  throw new Error('expected a file error');
}

describe('native CSV: valid files', () => {
  it('reads every location form, date style and quoted field', async () => {
    const report = await ingestAll(fixture('native-valid.csv'), OPTIONS);
    expect(report.errors).toEqual([]);
    expect(report.counts).toEqual({ total: 4, valid: 4, invalid: 0, skipped: 0 });
    expect(report.info).toMatchObject({ profile: 'native-csv', encoding: 'utf-8', delimiter: ',' });
    const [a, b, c, d] = report.records;
    expect(a).toMatchObject({
      row: 2,
      reportedOn: '2024-03-14',
      occurredFrom: '2024-03-09T22:30:00',
      occurredTo: '2024-03-10T01:00:00',
      lng: -2.2486,
      lat: 52.3886,
      precision: 'exact',
      placeType: 'takeaway',
      category: 'adults-loitering',
      sourceAgency: 'WFDC',
      sourceGrade: '2',
      intelligenceGrade: 'B',
      handlingCode: 'P',
      summary: 'Groups of adults seen collecting young people by car late evening',
      externalRef: 'WF-2024-0193',
    });
    expect(a?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // BNG 395600 270300, PostGIS: -2.0659907 52.3307714
    expect(b).toMatchObject({ row: 3, reportedOn: '2024-03-14', lng: -2.0659907, lat: 52.3307714 });
    expect(b?.precision).toBe('street');
    // Grid reference: centre of the 10 m square; codes normalised to the taxonomy's spelling.
    expect(c).toMatchObject({
      row: 4,
      precision: 'exact',
      sourceAgency: 'WMP',
      intelligenceGrade: 'B',
    });
    expect(c?.summary).toBe('Repeated bookings with young guests, "regulars"');
    expect(d?.summary).toBe('Two lines\nof text');
  });

  it('reads the documented example', async () => {
    const report = await ingestAll(NATIVE_CSV_EXAMPLE, OPTIONS);
    expect(report.errors).toEqual([]);
    expect(report.counts.valid).toBe(3);
  });

  it('gives the same records whatever the chunk boundaries', async () => {
    const bytes = fixture('excel-utf8-bom-semicolon.csv');
    const whole = await ingestAll(bytes, OPTIONS);
    for (const size of [1, 2, 3, 7, 64]) {
      const split = await ingestAll(chunked(bytes, size), OPTIONS);
      expect(split.records).toEqual(whole.records);
    }
  });

  it('reads Excel UTF-8 with BOM, CRLF, semicolons and decimal commas', async () => {
    const report = await ingestAll(fixture('excel-utf8-bom-semicolon.csv'), OPTIONS);
    expect(report.info).toMatchObject({ encoding: 'utf-8', delimiter: ';' });
    expect(report.errors).toEqual([]);
    expect(report.records[0]).toMatchObject({
      reportedOn: '2024-03-14',
      lng: -2.2486,
      lat: 52.3886,
      summary: 'Café staff concerned – late visits',
    });
    expect(report.records[1]?.summary).toBe('Seen; twice');
  });

  it('reads Windows-1252 with CRLF and semicolons', async () => {
    const report = await ingestAll(fixture('excel-windows-1252-semicolon.csv'), OPTIONS);
    expect(report.info).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(report.records[0]?.summary).toBe('Café staff paid £20 – late visits');
  });

  it('reads tab-delimited text', async () => {
    const report = await ingestAll(fixture('tab-delimited.tsv'), OPTIONS);
    expect(report.info.delimiter).toBe('\t');
    expect(report.counts.valid).toBe(1);
  });

  it('serves a template that is the header only and parses as header-only', async () => {
    expect(NATIVE_CSV_TEMPLATE.split('\r\n')).toHaveLength(2);
    expect((await fileError(NATIVE_CSV_TEMPLATE)).code).toBe('header-only');
  });
});

describe('native CSV: bad rows', () => {
  // Row numbers as a spreadsheet shows them (header is row 1), with the code each must get.
  const expected: [number, string, string | null][] = [
    [2, 'invalid-date', 'reported_on'],
    [3, 'future-date', 'reported_on'],
    [4, 'date-before-2000', 'reported_on'],
    [5, 'date-order', 'occurred_from'],
    [6, 'invalid-number', 'longitude'],
    [7, 'lat-lng-swapped', 'longitude'],
    [8, 'outside-area', 'longitude'], // Worcester, next door
    [9, 'outside-area', 'longitude'], // the Bristol Channel
    [10, 'no-location', null],
    [11, 'unknown-category', 'category'],
    [12, 'unknown-place-type', 'place_type'],
    [13, 'unknown-agency', 'source_agency'],
    [14, 'invalid-grading', 'source_grade'],
    [15, 'personal-data', 'summary'],
    [16, 'formula-injection', 'summary'],
    [17, 'formula-injection', 'category'],
    [18, 'formula-injection', 'external_ref'],
    [19, 'easting-northing-swapped', 'easting'],
    [20, 'invalid-grid-reference', 'grid_ref'],
    [21, 'multiple-locations', null],
    [22, 'too-long', 'summary'],
    [23, 'invalid-precision', 'location_precision'],
    [24, 'invalid-number', 'easting'],
    [25, 'required', 'reported_on'],
    [26, 'too-many-fields', null],
    [27, 'invalid-date', 'reported_on'],
    [28, 'invalid-coordinate', 'longitude'],
    [29, 'personal-data', 'summary'],
  ];

  it('rejects each bad row with its own code, row and column, and nothing else', async () => {
    const report = await ingestAll(fixture('native-bad-rows.csv'), OPTIONS);
    expect(report.records).toEqual([]);
    expect(report.counts).toEqual({ total: 28, valid: 0, invalid: 28, skipped: 0 });
    const got = report.errors.map((e) => [e.row, e.code, e.column]);
    expect(got).toEqual(expected);
  });

  it('says which list an unknown code is missing from, in plain English', async () => {
    const report = await ingestAll(fixture('native-bad-rows.csv'), OPTIONS);
    const message = (row: number) => report.errors.find((e) => e.row === row)?.message;
    expect(message(11)).toBe("Not one of the partnership's categories.");
    expect(message(12)).toBe("Not one of the partnership's place types.");
    expect(message(13)).toBe("Not one of the partnership's agency codes.");
  });

  it('names the kind of personal data and never echoes the text', async () => {
    const report = await ingestAll(fixture('native-bad-rows.csv'), OPTIONS);
    const pii = report.errors.filter((e) => e.code === 'personal-data');
    expect(pii.map((e) => e.message)).toEqual([
      expect.stringContaining('phone number'),
      expect.stringContaining('name after a title, full postcode'),
    ]);
    const all = JSON.stringify(report.errors);
    for (const secret of [
      '07700',
      '900123',
      'Smith',
      'DY10',
      'HYPERLINK',
      'SUM(',
      'unknown-thing',
      'castle',
      'XYZ',
    ]) {
      expect(all).not.toContain(secret);
    }
  });

  it('says which earlier row a duplicate repeats', async () => {
    const report = await ingestAll(fixture('duplicates.csv'), OPTIONS);
    expect(report.counts).toEqual({ total: 3, valid: 2, invalid: 1, skipped: 0 });
    expect(report.errors).toEqual([
      { row: 4, column: null, code: 'duplicate-row', message: 'Duplicate of row 2.' },
    ]);
  });
});

describe('file-level problems', () => {
  it.each([
    ['empty.csv', 'empty-file'],
    ['blank-lines.csv', 'empty-file'],
    ['header-only.csv', 'header-only'],
    ['header-and-blank-rows.csv', 'header-only'],
    ['workbook.xlsx', 'binary-file'],
    ['nul-bytes.csv', 'binary-file'],
    ['missing-columns.csv', 'missing-columns'],
    ['extra-columns.csv', 'unknown-columns'],
    ['truncated.csv', 'truncated'],
    ['truncated.geojson', 'truncated'],
    ['not-a-collection.geojson', 'not-a-feature-collection'],
  ])('%s -> %s', async (name, code) => {
    const error = await fileError(fixture(name));
    expect(error.code).toBe(code);
  });

  it('explains missing and unknown columns by name', async () => {
    expect((await fileError(fixture('missing-columns.csv'))).message).toBe(
      'Missing columns: category.',
    );
    expect((await fileError(fixture('extra-columns.csv'))).message).toContain(
      '"notes", "officer name"',
    );
  });

  it('can ignore unknown columns with a warning instead', async () => {
    const report = await ingestAll(fixture('extra-columns.csv'), {
      ...OPTIONS,
      unknownColumns: 'ignore',
    });
    expect(report.counts.valid).toBe(1);
    expect(report.info.warnings).toEqual(['Ignored unknown columns: "notes", "officer name".']);
  });

  it('says an Excel workbook is one', async () => {
    expect((await fileError(fixture('workbook.xlsx'))).message).toContain('.xlsx');
  });

  it.each([
    ['native-csv', 'points.geojson', 'GeoJSON'],
    ['police-uk', 'native-valid.csv', 'the native CSV template'],
    ['geojson', 'native-valid.csv', 'the native CSV template'],
    ['native-csv', 'police-uk-head.csv', 'police.uk'],
  ] as const)('wrong profile: chose %s for %s', async (profile, name, looksLike) => {
    const bytes =
      name === 'police-uk-head.csv'
        ? 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n'
        : fixture(name);
    const error = await fileError(bytes, { ...OPTIONS, profile });
    expect(error.code).toBe('wrong-profile');
    expect(error.message).toContain(looksLike);
  });

  it('refuses a header it does not recognise', async () => {
    expect((await fileError('name,age,address\nx,1,y\n')).code).toBe('unknown-format');
  });

  it('stops at the byte limit while streaming, before reading the rest', async () => {
    let served = 0;
    async function* endless() {
      yield new TextEncoder().encode(`${NATIVE_CSV_EXAMPLE}\r\n`);
      for (;;) {
        served++;
        yield new TextEncoder().encode(
          '2024-03-14,,,-2.2486,52.3886,,,,,takeaway,adults-loitering,WFDC,2,B,P,,\r\n'.repeat(100),
        );
      }
    }
    const run = ingestAll(endless(), { ...OPTIONS, maxBytes: 100_000 });
    await expect(run).rejects.toMatchObject({
      name: 'IngestLimitError',
      kind: 'bytes',
      limit: 100_000,
    });
    expect(served).toBeLessThan(20);
  });

  it('stops at the row limit', async () => {
    const rows = Array.from(
      { length: 11 },
      (_, i) => `2024-03-14,,,-2.2486,52.3886,,,,,takeaway,adults-loitering,WFDC,2,B,P,,R${i}`,
    );
    const csv = `${NATIVE_CSV_EXAMPLE.split('\r\n')[0]}\n${rows.join('\n')}\n`;
    await expect(ingestAll(csv, { ...OPTIONS, maxRows: 10 })).rejects.toEqual(
      new IngestLimitError('rows', 10),
    );
    expect((await ingestAll(csv, { ...OPTIONS, maxRows: 11 })).counts.valid).toBe(11);
  });
});
