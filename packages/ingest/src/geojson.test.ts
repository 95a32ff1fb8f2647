import { describe, expect, it } from 'vitest';
import { ingestAll } from './ingest.ts';
import { fixture, OPTIONS } from './test-support.ts';

describe('GeoJSON profile', () => {
  it('detects GeoJSON and checks each feature like a native row', async () => {
    const report = await ingestAll(fixture('points.geojson'), OPTIONS);
    expect(report.info).toMatchObject({ profile: 'geojson', delimiter: null });
    expect(report.counts).toEqual({ total: 8, valid: 2, invalid: 6, skipped: 0 });
    expect(report.records.map((r) => [r.row, r.lng, r.lat, r.sourceGrade, r.precision])).toEqual([
      [1, -2.2486, 52.3886, '2', 'exact'],
      [2, -2.0659907, 52.3307714, '2', 'street'],
    ]);
    expect(report.errors.map((e) => [e.row, e.code, e.column])).toEqual([
      [3, 'no-location', 'geometry'],
      [4, 'lat-lng-swapped', 'geometry'],
      [5, 'outside-area', 'geometry'], // the Bristol Channel
      [6, 'invalid-feature', 'geometry'], // a LineString
      [7, 'formula-injection', 'summary'], // "+44 7700..." starts with +
      [8, 'invalid-feature', null],
    ]);
  });

  it('reads British National Grid coordinates when the crs says EPSG:27700', async () => {
    const report = await ingestAll(fixture('points-bng.geojson'), OPTIONS);
    expect(report.info.warnings).toEqual([
      'Coordinates read as British National Grid (crs EPSG:27700).',
    ]);
    // PostGIS: -2.2493701 52.3866698
    expect(report.records[0]?.lng).toBeCloseTo(-2.2493701, 6);
    expect(report.records[0]?.lat).toBeCloseTo(52.3866698, 6);
  });

  it('refuses an unknown crs', async () => {
    const doc = JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'EPSG:3857' } },
      features: [],
    });
    await expect(ingestAll(doc, OPTIONS)).rejects.toMatchObject({ code: 'unsupported-crs' });
  });

  it('refuses a collection without features as header-only', async () => {
    await expect(
      ingestAll('{"type":"FeatureCollection","features":[]}', OPTIONS),
    ).rejects.toMatchObject({ code: 'header-only' });
  });

  it('enforces the row limit on features', async () => {
    await expect(
      ingestAll(fixture('points.geojson'), { ...OPTIONS, maxRows: 5 }),
    ).rejects.toMatchObject({ name: 'IngestLimitError', kind: 'rows' });
  });
});
