import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bngToLngLat, lngLatToBng, parseGridReference, toGridReference } from './coordinates.ts';

/** Metres between two WGS84 points (equirectangular, fine at these distances). */
function metres([lng1, lat1]: [number, number], [lng2, lat2]: [number, number]): number {
  const k = Math.PI / 180;
  const x = (lng2 - lng1) * k * Math.cos(((lat1 + lat2) / 2) * k);
  const y = (lat2 - lat1) * k;
  return Math.hypot(x, y) * 6_371_000;
}

describe('parseGridReference', () => {
  it.each([
    // 100 km square origins, from the OS National Grid letter layout
    ['SV 00000 00000', 0.5, 0.5],
    ['NN 00000 00000', 200_000.5, 700_000.5],
    ['NT 00000 00000', 300_000.5, 600_000.5],
    ['TQ 00000 00000', 500_000.5, 100_000.5],
    ['HP 00000 00000', 400_000.5, 1_200_000.5],
    // OS guide to coordinate systems, Caister water tower: E 651409.903 N 313177.270
    ['TG 51409 13177', 651_409.5, 313_177.5],
  ])('%s is the centre of the 1 m square at the right origin', (ref, e, n) => {
    expect(parseGridReference(ref)).toMatchObject({ easting: e, northing: n, squareMeters: 1 });
  });

  it.each([
    ['SO 8 7', 385_000, 275_000, 10_000, 'area'],
    ['SO8376', 383_500, 276_500, 1_000, 'area'],
    ['SO 831 765', 383_150, 276_550, 100, 'street'],
    ['SO 8312 7654', 383_125, 276_545, 10, 'exact'],
    ['so83127654', 383_125, 276_545, 10, 'exact'],
    ['SO 83123 76543', 383_123.5, 276_543.5, 1, 'exact'],
  ])('%s: 2 to 10 digits map to the centre of the square', (ref, e, n, size, precision) => {
    expect(parseGridReference(ref)).toEqual({
      easting: e,
      northing: n,
      squareMeters: size,
      precision,
    });
  });

  it.each([
    'SO',
    'SO 831 76',
    'SO123',
    'SO 831276543210',
    'XX 12 34',
    'SI 12 34',
    'S0 12 34',
    '12 34',
  ])('refuses %s', (ref) => {
    expect(parseGridReference(ref)).toBeNull();
  });

  it('round-trips with toGridReference for any point in Great Britain', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 699_999 }),
        fc.integer({ min: 0, max: 1_249_999 }),
        fc.constantFrom(2, 4, 6, 8, 10),
        (e, n, digits) => {
          const parsed = parseGridReference(toGridReference(e, n, digits));
          const size = 10 ** (5 - digits / 2);
          expect(parsed).not.toBeNull();
          expect(parsed!.easting).toBe(Math.floor(e / size) * size + size / 2);
          expect(parsed!.northing).toBe(Math.floor(n / size) * size + size / 2);
        },
      ),
    );
  });
});

describe('British National Grid', () => {
  it('matches the OS published ETRS89 position of Caister water tower within 5 m (Helmert)', () => {
    // OS "A guide to coordinate systems in Great Britain": E 651409.903 N 313177.270 is
    // ETRS89 52°39'28.8282"N 1°42'57.7896"E (via OSTN15; the Helmert shift is good to a few m).
    const published: [number, number] = [
      1 + 42 / 60 + 57.7896 / 3600,
      52 + 39 / 60 + 28.8282 / 3600,
    ];
    expect(metres(bngToLngLat(651_409.903, 313_177.27), published)).toBeLessThan(5);
  });

  it.each([
    // Reference: PostGIS 3.6 / PROJ ST_Transform(..., 27700 -> 4326), run once in PGlite.
    [651_409.903, 313_177.27, 1.716052, 52.6579786],
    [383_125, 276_545, -2.2493701, 52.3866698],
    [395_600, 270_300, -2.0659907, 52.3307714],
    [216_660, 771_260, -5.003774, 56.7966501],
  ])('E %d N %d agrees with PostGIS to 1e-6 degrees', (e, n, lng, lat) => {
    const [x, y] = bngToLngLat(e, n);
    expect(Math.abs(x - lng)).toBeLessThan(1e-6);
    expect(Math.abs(y - lat)).toBeLessThan(1e-6);
  });

  it('inverts exactly enough (1 cm) across Great Britain', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100_000, max: 650_000 }),
        fc.integer({ min: 10_000, max: 1_200_000 }),
        (e, n) => {
          const [x, y] = lngLatToBng(...bngToLngLat(e, n));
          expect(Math.hypot(x - e, y - n)).toBeLessThan(0.02);
        },
      ),
    );
  });
});
