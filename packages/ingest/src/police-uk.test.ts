import { policeUkBytes, policeUkStream } from '@hotspot/fixtures';
import { describe, expect, it } from 'vitest';
import { ingestAll } from './ingest.ts';
import { OPTIONS } from './test-support.ts';

/*
 * Expected counts for North Worcestershire (the 2013 LAD polygons of Bromsgrove, Redditch and
 * Wyre Forest), computed independently once with a plain Python script (csv module, even-odd
 * ray casting per polygon, no code shared with this package).
 *
 * SOURCE.md counts rows by LSOA instead (1,650 / 1,661 / 1,956 / 1,953). Polygon containment
 * differs by a few rows because the LAD polygons are generalised (clipped, simplified) and the
 * police.uk snap points of border LSOAs can fall just across a generalised district line, and
 * because 2021 LSOAs do not nest exactly in the 2013 districts.
 */
const EXPECTED = [
  ['2024-01', 7700, 1648, 141, 5911],
  ['2024-02', 7654, 1661, 151, 5842],
  ['2024-03', 8529, 1952, 191, 6386],
  ['2024-04', 8540, 1950, 152, 6438],
] as const;

describe('police.uk street-level files, end to end', () => {
  it.each(EXPECTED)(
    '%s: %d rows -> %d valid, %d skipped without location, %d outside the area',
    async (month, total, valid, skipped, outside) => {
      const report = await ingestAll(policeUkStream(month, 16_384), OPTIONS);
      expect(report.info).toMatchObject({
        profile: 'police-uk',
        encoding: 'utf-8',
        delimiter: ',',
      });
      expect(report.counts).toEqual({ total, valid, invalid: outside, skipped });
      expect(report.errors.every((e) => e.code === 'outside-area')).toBe(true);
      expect(report.skipped.every((s) => s.reason === 'no-location')).toBe(true);
      // Month -> first day; precision street; grading and agency from the defaults.
      expect(report.records[0]).toMatchObject({
        reportedOn: `${month}-01`,
        precision: 'street',
        placeType: 'other',
        sourceAgency: 'WMP',
        sourceGrade: '1',
        intelligenceGrade: 'A',
        handlingCode: 'P',
        summary: null,
        occurredFrom: null,
      });
    },
  );

  it('maps crime types through the taxonomy and skips types mapped to null', async () => {
    const head = policeUkBytes('2024-01').toString('utf8').split('\n').slice(0, 400).join('\n');
    const { Shoplifting: _unmapped, ...mapped } = OPTIONS.taxonomy.policeUkCrimeTypes ?? {};
    const report = await ingestAll(head, {
      ...OPTIONS,
      taxonomy: {
        ...OPTIONS.taxonomy,
        policeUkCrimeTypes: { ...mapped, 'Anti-social behaviour': null },
      },
    });
    const violence = report.records.filter((r) => r.category === 'violence-and-sexual-offences');
    expect(violence.length).toBeGreaterThan(0);
    expect(report.records.some((r) => r.category === 'anti-social-behaviour')).toBe(false);
    expect(report.skipped.some((s) => s.reason === 'excluded-crime-type')).toBe(true);
    // An unmapped crime type is an error, not silently dropped.
    expect(
      report.errors.some((e) => e.code === 'unknown-category' && e.column === 'Crime type'),
    ).toBe(true);
  });

  it('keeps identical rows without a Crime ID (distinct ASB incidents) but flags a repeated ID', async () => {
    const header =
      'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const asb =
      ',2024-01,West Mercia Police,West Mercia Police,-2.2486,52.3886,On or near Bromsgrove Street,E01032271,Wyre Forest 008A,Anti-social behaviour,,';
    const crime =
      'abc123,2024-01,West Mercia Police,West Mercia Police,-2.2486,52.3886,On or near Bromsgrove Street,E01032271,Wyre Forest 008A,Drugs,Under investigation,';
    const report = await ingestAll([header, asb, asb, crime, crime].join('\r\n'), OPTIONS);
    expect(report.counts).toEqual({ total: 4, valid: 3, invalid: 1, skipped: 0 });
    expect(report.errors).toEqual([
      { row: 5, column: null, code: 'duplicate-row', message: 'Duplicate of row 4.' },
    ]);
  });
});
