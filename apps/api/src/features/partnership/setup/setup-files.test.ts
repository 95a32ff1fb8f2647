// The checks create-partnership, import-agencies and import-taxonomy make on their files before
// touching the database: each bad file gets a message naming the problem (and where).
import { readFileSync } from 'node:fs';
import { worcestershireDistricts } from '@hotspot/fixtures';
import { describe, expect, it } from 'vitest';
import { DEMO_CATEGORIES, DEMO_PLACE_TYPES, DEMO_POLICE_UK_MAPPING } from '../../demo/index.ts';
import { parseDistricts } from './districts.ts';
import { DEFAULT_TAXONOMY_PATH } from './partnership-setup.ts';
import { parseAgenciesCsv, parseTaxonomyCsv } from './setup-csv.ts';
import { problemOf, square } from './test-support.ts';

function collection(features: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'FeatureCollection', ...extra, features });
}

function district(code: string, coordinates: unknown = square(-2.2, 52.2), type = 'Polygon') {
  return {
    type: 'Feature',
    properties: { code, name: `District ${code}` },
    geometry: { type, coordinates },
  };
}

describe('districts files', () => {
  it('reads the ONS Worcestershire file, detecting LAD13CD and LAD13NM', async () => {
    const file = worcestershireDistricts();
    const parsed = parseDistricts(JSON.stringify(file));
    expect(parsed).toMatchObject({
      codeProperty: 'LAD13CD',
      nameProperty: 'LAD13NM',
      detected: { code: true, name: true },
    });
    expect(parsed.districts.map((d) => [d.code, d.name])).toEqual(
      file.features.map((f) => [f.properties?.LAD13CD, f.properties?.LAD13NM]),
    );
  });

  it('prefers plain code/name, and takes the properties given instead of detecting', async () => {
    const plain = parseDistricts(collection([district('A'), district('B', square(-2.1, 52.2))]));
    expect(plain).toMatchObject({ codeProperty: 'code', nameProperty: 'name' });
    const features = [
      { ...district('A'), properties: { ref: 'X1', title: 'Ex one', code: 'A', name: 'a' } },
    ];
    const given = parseDistricts(collection(features), {
      codeProperty: 'ref',
      nameProperty: 'title',
    });
    expect(given.districts[0]).toMatchObject({ code: 'X1', name: 'Ex one' });
    expect(given.detected).toEqual({ code: false, name: false });
  });

  it.each([
    ['not JSON', '{"type": "FeatureCollection", ', /^the districts file is not JSON \(/],
    ['not GeoJSON', '{"districts": []}', /^the districts file is not a GeoJSON FeatureCollection/],
    [
      'no polygons',
      collection([
        {
          type: 'Feature',
          properties: { code: 'A' },
          geometry: { type: 'Point', coordinates: [0, 0] },
        },
      ]),
      /^the districts file holds no polygons \(1 features, none a Polygon or MultiPolygon\)$/,
    ],
    [
      'a point among the polygons',
      collection([
        district('A'),
        {
          type: 'Feature',
          properties: { code: 'B' },
          geometry: { type: 'Point', coordinates: [0, 0] },
        },
      ]),
      /^feature 2 is Point: every district must be a Polygon or MultiPolygon$/,
    ],
    [
      'an open ring',
      collection([
        district('A', [
          [
            [-2.2, 52.2],
            [-2.1, 52.2],
            [-2.1, 52.3],
            [-2.2, 52.3],
          ],
        ]),
      ]),
      /^feature 1 \(A District A\): a ring is open \(its first position \[-2\.2, 52\.2\] differs from its last \[-2\.2, 52\.3\]\)$/,
    ],
    [
      'too few positions',
      collection([
        district('A', [
          [
            [-2.2, 52.2],
            [-2.1, 52.2],
            [-2.2, 52.2],
          ],
        ]),
      ]),
      /^feature 1 \(A District A\): a ring has fewer than 4 positions/,
    ],
    [
      'latitude out of range',
      collection([district('A', square(10, 95))]),
      /^feature 1 \(A District A\): the position \[10, 95\] is outside WGS84 \(longitude -180\.\.180, latitude -90\.\.90\)$/,
    ],
    [
      'British National Grid metres',
      collection([district('A', square(383_000, 273_000, 100))]),
      /outside WGS84 .*; it looks like British National Grid metres: convert the file to WGS84 first/,
    ],
    [
      'a declared British National Grid crs',
      collection([district('A')], { crs: { type: 'name', properties: { name: 'EPSG:27700' } } }),
      /^the districts file is in British National Grid \(crs EPSG:27700\): convert it/,
    ],
    [
      'duplicate codes',
      collection([
        district('A'),
        district('B', square(-2.1, 52.2)),
        district('A', square(-2, 52.2)),
      ]),
      /^duplicate code A in code: features 1 and 3$/,
    ],
    [
      'a missing code',
      collection([district('A'), { ...district('B'), properties: { name: 'No code' } }]),
      /^feature 2 has no code property \(or it is empty\)$/,
    ],
    [
      'no recognisable code property',
      collection([{ ...district('A'), properties: { ref: 'A', title: 'x' } }]),
      /^no code property found in the districts file \(its properties: ref, title\): give --code-property P$/,
    ],
  ])('refuses %s with one line naming the problem', async (_, text, message) => {
    const detail = await problemOf(() => parseDistricts(text));
    expect(detail).toMatch(message);
    expect(detail).not.toContain('\n');
  });

  it('names the missing property when one is given by flag', async () => {
    expect(
      await problemOf(() =>
        parseDistricts(collection([district('A')]), { nameProperty: 'LAD23NM' }),
      ),
    ).toBe('feature 1 has no LAD23NM property (or it is empty)');
  });
});

describe('agency and taxonomy files', () => {
  it('reads agencies, with an optional email column', async () => {
    expect(
      parseAgenciesCsv(
        '\ufeffcode,name,kind,email\r\nWMP,West Mercia Police,police,\r\nWCC,"Worcester City Council, community safety",council,csp@example.org\r\n',
      ),
    ).toEqual([
      { code: 'WMP', name: 'West Mercia Police', kind: 'police', email: null },
      {
        code: 'WCC',
        name: 'Worcester City Council, community safety',
        kind: 'council',
        email: 'csp@example.org',
      },
    ]);
    expect(parseAgenciesCsv('name,code,kind\nPolice,WMP,police\n')).toEqual([
      { code: 'WMP', name: 'Police', kind: 'police', email: null },
    ]);
  });

  it('names the line and column of every bad cell, and refuses the whole file', async () => {
    const detail = await problemOf(() =>
      parseAgenciesCsv(
        'code,name,kind,email\nWMP,West Mercia Police,police,\nwcc,,polise,not-an-address\nWMP,Again,council,\nX,Short,other\n',
        'agencies.csv',
      ),
    );
    expect(detail.split('\n')).toEqual([
      'agencies.csv: 1 problem, nothing imported:',
      '  agencies.csv line 5: 3 cells, but the header names 4',
    ]);
    const cells = await problemOf(() =>
      parseAgenciesCsv(
        'code,name,kind,email\nWMP,West Mercia Police,police,\nwcc,,polise,not-an-address\nWMP,Again,council,\n',
        'agencies.csv',
      ),
    );
    expect(cells.split('\n')).toEqual([
      'agencies.csv: 5 problems, nothing imported:',
      '  agencies.csv line 3, column code: "wcc" must be 1-16 capital letters, digits or hyphens (e.g. WMP)',
      '  agencies.csv line 3, column name: is empty',
      '  agencies.csv line 3, column kind: "polise" must be one of police, council, regulatory, housing, health, education, children, voluntary, other',
      '  agencies.csv line 3, column email: "not-an-address" is not an email address',
      '  agencies.csv line 4, column code: WMP is already on line 2',
    ]);
  });

  it('refuses unknown and missing columns, and a file without rows', async () => {
    expect(
      (await problemOf(() => parseAgenciesCsv('code,nmae,kind\n', 'a.csv'))).split('\n'),
    ).toEqual([
      'a.csv: 2 problems, nothing imported:',
      '  a.csv line 1: unknown column "nmae" (the columns are code, name, kind, email)',
      '  a.csv line 1: the column name is missing',
    ]);
    expect(await problemOf(() => parseAgenciesCsv('code,name,kind\n', 'a.csv'))).toBe(
      'a.csv: 1 problem, nothing imported:\n  a.csv has a header but no rows',
    );
    expect(await problemOf(() => parseTaxonomyCsv('', 't.csv'))).toMatch(/t\.csv is empty/);
  });

  it('reads a taxonomy with the police.uk crime types of each category', async () => {
    expect(
      parseTaxonomyCsv(
        'kind,code,label,description,police_uk_crime_types\ncategory,drugs,Reported crime: drugs,,Drugs\ncategory,other-crime,Other,Anything else,Burglary; Robbery\nplace-type,street,Street,,\n',
      ),
    ).toEqual([
      {
        kind: 'category',
        code: 'drugs',
        label: 'Reported crime: drugs',
        description: null,
        policeUkCrimeTypes: ['Drugs'],
      },
      {
        kind: 'category',
        code: 'other-crime',
        label: 'Other',
        description: 'Anything else',
        policeUkCrimeTypes: ['Burglary', 'Robbery'],
      },
      {
        kind: 'place-type',
        code: 'street',
        label: 'Street',
        description: null,
        policeUkCrimeTypes: [],
      },
    ]);
  });

  it('refuses bad taxonomy rows, naming line and column', async () => {
    const detail = await problemOf(() =>
      parseTaxonomyCsv(
        'kind,code,label,police_uk_crime_types\ncategory,drugs,Drugs,Drugs\nplace,Take Away,,\ncategory,drugs,Again,\ncategory,more-drugs,More,Drugs\nplace-type,street,Street,Robbery\n',
        'taxonomy.csv',
      ),
    );
    expect(detail.split('\n')).toEqual([
      'taxonomy.csv: 6 problems, nothing imported:',
      '  taxonomy.csv line 3, column kind: "place" must be category or place-type',
      '  taxonomy.csv line 3, column code: "Take Away" must be lower-case words joined by hyphens (e.g. takeaway)',
      '  taxonomy.csv line 3, column label: is empty',
      '  taxonomy.csv line 4, column code: the category drugs is already on line 2',
      '  taxonomy.csv line 5, column police_uk_crime_types: "Drugs" is already mapped on line 2',
      '  taxonomy.csv line 6, column police_uk_crime_types: "Robbery" is allowed on categories only (police.uk crime types map to categories)',
    ]);
  });

  it('ships the demo taxonomy as the documented default', async () => {
    const rows = parseTaxonomyCsv(readFileSync(DEFAULT_TAXONOMY_PATH, 'utf8'));
    const pick = (kind: string) =>
      rows.filter((r) => r.kind === kind).map((r) => ({ code: r.code, label: r.label }));
    expect(pick('category')).toEqual(DEMO_CATEGORIES);
    expect(pick('place-type')).toEqual(DEMO_PLACE_TYPES);
    expect(
      Object.fromEntries(rows.flatMap((r) => r.policeUkCrimeTypes.map((t) => [t, r.code]))),
    ).toEqual(DEMO_POLICE_UK_MAPPING);
  });
});
