// Over 400 lines because the upload profiles' column mappings (native CSV, GeoJSON, police.uk) sit
// side by side so their differences show.
import type {
  HandlingCode,
  IngestRecord,
  IntelligenceGrade,
  SkipReason,
  SourceGrade,
  UploadProfile,
} from '@hotspot/contracts';
import { IngestFileError, quoteHeader } from './errors.ts';
import {
  EXTERNAL_REF_MAX_LENGTH,
  NATIVE_ALIASES,
  NATIVE_CSV_COLUMNS,
  NATIVE_FIELDS,
  type NativeField,
  normaliseHeader,
  SUMMARY_MAX_LENGTH,
} from './native-columns.ts';
import {
  checkCode,
  checkDates,
  checkExternalRef,
  checkFreeText,
  checkGrading,
  checkLngLat,
  checkLocation,
  checkPrecision,
  fingerprintOf,
  parseNumber,
  type RowContext,
  RowProblems,
} from './validate.ts';

/** What a data row turned into. */
export type RowOutcome =
  | { readonly kind: 'record'; readonly record: IngestRecord }
  | { readonly kind: 'invalid'; readonly problems: RowProblems }
  | {
      readonly kind: 'skipped';
      readonly row: number;
      readonly reason: SkipReason;
      readonly message: string;
    };

/** Defaults for police.uk rows, which carry no grading, agency or place type of their own. */
export interface PoliceUkDefaults {
  /** Agency short code to record as the source, e.g. the police force's code. */
  readonly sourceAgency: string;
  /** Place-type code for every row (police.uk has none), e.g. 'other' or 'unknown'. */
  readonly placeType: string;
  readonly sourceGrade?: SourceGrade;
  readonly intelligenceGrade?: IntelligenceGrade;
  readonly handlingCode?: HandlingCode;
}

type Cell = { readonly raw: string | undefined; readonly column: string };

export interface CsvHeader {
  readonly profile: Exclude<UploadProfile, 'geojson'>;
  /** Column index of each known field. */
  readonly index: ReadonlyMap<string, number>;
  readonly names: readonly string[];
  readonly warnings: readonly string[];
}

// ---------------------------------------------------------------- header detection

export const POLICE_UK_COLUMNS = [
  'crime_id',
  'month',
  'reported_by',
  'falls_within',
  'longitude',
  'latitude',
  'location',
  'lsoa_code',
  'lsoa_name',
  'crime_type',
  'last_outcome_category',
  'context',
] as const;
const POLICE_UK_REQUIRED = ['crime_id', 'month', 'longitude', 'latitude', 'crime_type'] as const;

function nativeName(normalised: string): NativeField | undefined {
  if ((NATIVE_FIELDS as readonly string[]).includes(normalised)) return normalised as NativeField;
  return NATIVE_ALIASES[normalised];
}

/** Which CSV profile a header looks like, or null. */
export function detectCsvProfile(cells: readonly string[]): 'native-csv' | 'police-uk' | null {
  const names = new Set(cells.map(normaliseHeader));
  if (names.has('crime_type') && names.has('month') && names.has('falls_within')) {
    return 'police-uk';
  }
  const native = [...names].filter((n) => nativeName(n) !== undefined).length;
  return native >= 3 ? 'native-csv' : null;
}

const PROFILE_LABEL: Readonly<Record<UploadProfile, string>> = {
  'native-csv': 'the native CSV template',
  geojson: 'GeoJSON',
  'police-uk': 'a police.uk street-level CSV',
};

export function wrongProfile(chosen: UploadProfile, looksLike: UploadProfile): IngestFileError {
  return new IngestFileError(
    'wrong-profile',
    `You chose ${PROFILE_LABEL[chosen]}, but this file looks like ${PROFILE_LABEL[looksLike]}.`,
  );
}

/**
 * Resolve a CSV header for a profile. Missing required columns and duplicated columns are file
 * errors. Unknown columns are a file error by default (a column we would silently drop might
 * hold the location or personal data the analyst expects us to see); with
 * `unknownColumns: 'ignore'` they are ignored with a warning. Blank header cells (Excel's trailing
 * empty columns) are ignored with a warning.
 */
export function resolveCsvHeader(
  cells: readonly string[],
  profile: Exclude<UploadProfile, 'geojson'>,
  unknownColumns: 'error' | 'ignore',
): CsvHeader {
  const index = new Map<string, number>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  const warnings: string[] = [];
  let blanks = 0;
  cells.forEach((cell, i) => {
    const normalised = normaliseHeader(cell);
    if (normalised === '') {
      blanks++;
      return;
    }
    const field =
      profile === 'native-csv'
        ? nativeName(normalised)
        : (POLICE_UK_COLUMNS as readonly string[]).includes(normalised)
          ? normalised
          : undefined;
    if (field === undefined) unknown.push(cell);
    else if (index.has(field)) duplicates.push(cell);
    else index.set(field, i);
  });
  if (duplicates.length > 0) {
    throw new IngestFileError(
      'duplicate-columns',
      `Columns appear more than once: ${duplicates.map(quoteHeader).join(', ')}.`,
    );
  }
  const missing: string[] =
    profile === 'native-csv'
      ? NATIVE_CSV_COLUMNS.filter((c) => c.required === 'yes' && !index.has(c.name)).map(
          (c) => c.name,
        )
      : POLICE_UK_REQUIRED.filter((c) => !index.has(c));
  if (profile === 'native-csv') {
    const has = (f: NativeField) => index.has(f);
    const any = ['longitude', 'latitude', 'easting', 'northing', 'grid_ref'].some((f) =>
      index.has(f),
    );
    if (!any) missing.push('a location (longitude + latitude, easting + northing, or grid_ref)');
    if (has('longitude') !== has('latitude'))
      missing.push(has('longitude') ? 'latitude' : 'longitude');
    if (has('easting') !== has('northing')) missing.push(has('easting') ? 'northing' : 'easting');
  }
  if (missing.length > 0) {
    throw new IngestFileError('missing-columns', `Missing columns: ${missing.join(', ')}.`);
  }
  if (unknown.length > 0) {
    const list = unknown.map(quoteHeader).join(', ');
    if (unknownColumns === 'error') {
      throw new IngestFileError(
        'unknown-columns',
        `Unknown columns: ${list}. Remove them or rename them to template columns.`,
      );
    }
    warnings.push(`Ignored unknown columns: ${list}.`);
  }
  if (blanks > 0) warnings.push(`Ignored ${blanks} column(s) with an empty header.`);
  return { profile, index, names: cells, warnings };
}

// ---------------------------------------------------------------- rows

/** Validate native fields, wherever they came from (CSV cells or GeoJSON properties). */
export function nativeRecord(
  row: number,
  cell: (field: NativeField) => Cell | undefined,
  ctx: RowContext,
  problems: RowProblems,
  /** GeoJSON: the Point (null: no geometry; 'invalid': already reported). CSV: undefined. */
  geometry?:
    | { readonly lng: number; readonly lat: number; readonly column: string }
    | null
    | 'invalid',
): RowOutcome {
  const dates = checkDates(
    {
      reportedOn: cell('reported_on') ?? { raw: undefined, column: 'reported_on' },
      occurredFrom: cell('occurred_from'),
      occurredTo: cell('occurred_to'),
    },
    ctx,
    problems,
  );
  let location: ReturnType<typeof checkLocation>;
  if (geometry === undefined) {
    location = checkLocation(
      {
        longitude: cell('longitude'),
        latitude: cell('latitude'),
        easting: cell('easting'),
        northing: cell('northing'),
        gridRef: cell('grid_ref'),
      },
      ctx,
      problems,
    );
  } else if (geometry === null) {
    location = 'none';
  } else if (geometry === 'invalid') {
    location = null;
  } else {
    location = checkLngLat(geometry.lng, geometry.lat, null, geometry.column, ctx, problems);
  }
  if (location === 'none') {
    problems.add(
      geometry === null ? 'geometry' : null,
      'no-location',
      'No location: give longitude/latitude, easting/northing or a grid reference.',
    );
  }
  const located = location !== 'none' && location !== null ? location : null;
  const precision = checkPrecision(
    cell('location_precision'),
    located?.impliedPrecision ?? null,
    problems,
  );
  const placeType = checkCode(
    required(cell, 'place_type'),
    ctx.placeTypes,
    'unknown-place-type',
    'place type',
    problems,
  );
  const category = checkCode(
    required(cell, 'category'),
    ctx.categories,
    'unknown-category',
    'category',
    problems,
  );
  const sourceAgency = checkCode(
    required(cell, 'source_agency'),
    ctx.agencies,
    'unknown-agency',
    'agency code',
    problems,
  );
  const grading = checkGrading(
    {
      source: required(cell, 'source_grade'),
      intelligence: required(cell, 'intelligence_grade'),
      handling: required(cell, 'handling_code'),
    },
    problems,
  );
  const summary = checkFreeText(cell('summary'), SUMMARY_MAX_LENGTH, problems);
  const externalRef = checkExternalRef(cell('external_ref'), EXTERNAL_REF_MAX_LENGTH, problems);

  if (
    problems.errors.length > 0 ||
    !dates ||
    !located ||
    !precision ||
    !placeType ||
    !category ||
    !sourceAgency ||
    !grading ||
    summary === undefined ||
    externalRef === undefined
  ) {
    return { kind: 'invalid', problems };
  }
  return recordOf(row, {
    reportedOn: dates.reportedOn,
    occurredFrom: dates.occurredFrom,
    occurredTo: dates.occurredTo,
    lng: located.lng,
    lat: located.lat,
    precision,
    placeType,
    category,
    sourceAgency,
    sourceGrade: grading.sourceGrade,
    intelligenceGrade: grading.intelligenceGrade,
    handlingCode: grading.handlingCode,
    summary,
    externalRef,
  });
}

function required(cell: (field: NativeField) => Cell | undefined, field: NativeField): Cell {
  return cell(field) ?? { raw: undefined, column: field };
}

/** The record of validated content: one object per row, fields in a fixed order. */
function recordOf(row: number, content: Omit<IngestRecord, 'row' | 'fingerprint'>): RowOutcome {
  return {
    kind: 'record',
    record: {
      row,
      reportedOn: content.reportedOn,
      occurredFrom: content.occurredFrom,
      occurredTo: content.occurredTo,
      lng: content.lng,
      lat: content.lat,
      precision: content.precision,
      placeType: content.placeType,
      category: content.category,
      sourceAgency: content.sourceAgency,
      sourceGrade: content.sourceGrade,
      intelligenceGrade: content.intelligenceGrade,
      handlingCode: content.handlingCode,
      summary: content.summary,
      externalRef: content.externalRef,
      fingerprint: fingerprintOf(content),
    },
  };
}

/** A native CSV data row. */
export function nativeCsvRow(
  cells: readonly string[],
  row: number,
  header: CsvHeader,
  ctx: RowContext,
): RowOutcome {
  const problems = new RowProblems(row);
  tooManyFields(cells, header, problems);
  return nativeRecord(
    row,
    (field) => {
      const i = header.index.get(field);
      return i === undefined ? undefined : { raw: cells[i], column: header.names[i] ?? field };
    },
    ctx,
    problems,
  );
}

function tooManyFields(cells: readonly string[], header: CsvHeader, problems: RowProblems): void {
  for (let i = header.names.length; i < cells.length; i++) {
    if ((cells[i] ?? '').trim() !== '') {
      problems.add(
        null,
        'too-many-fields',
        `The row has more fields (${cells.length}) than the header (${header.names.length}); check for an unquoted delimiter.`,
      );
      return;
    }
  }
}

/** Prepared police.uk settings (checked against the taxonomy once per file). */
export interface PoliceUkSettings {
  readonly defaults: Required<PoliceUkDefaults>;
  readonly crimeTypes: ReadonlyMap<string, string | null>;
}

/** A police.uk street-level row. */
export function policeUkRow(
  cells: readonly string[],
  row: number,
  header: CsvHeader,
  ctx: RowContext,
  settings: PoliceUkSettings,
): RowOutcome {
  const problems = new RowProblems(row);
  tooManyFields(cells, header, problems);
  const cell = (field: string): Cell => {
    const i = header.index.get(field);
    return { raw: i === undefined ? undefined : cells[i], column: header.names[i ?? -1] ?? field };
  };
  const lng = cell('longitude');
  const lat = cell('latitude');
  if ((lng.raw ?? '').trim() === '' && (lat.raw ?? '').trim() === '') {
    return {
      kind: 'skipped',
      row,
      reason: 'no-location',
      message: 'police.uk publishes this crime without a location.',
    };
  }
  const place = (cell('location').raw ?? '').trim();
  if (place !== '') problems.place = place.slice(0, 100);
  const crimeType = cell('crime_type');
  const mapped = settings.crimeTypes.get((crimeType.raw ?? '').trim().toLowerCase());
  if (mapped === null) {
    return {
      kind: 'skipped',
      row,
      reason: 'excluded-crime-type',
      message: "The partnership's taxonomy excludes this crime type.",
    };
  }
  if (mapped === undefined) {
    problems.add(
      crimeType.column,
      (crimeType.raw ?? '').trim() === '' ? 'required' : 'unknown-category',
      "The crime type is not mapped to a category in the partnership's taxonomy.",
    );
  }
  const month = cell('month');
  let reportedOn: string | null = null;
  const monthText = (month.raw ?? '').trim();
  if (!/^\d{4}-(?:0[1-9]|1[0-2])$/.test(monthText)) {
    problems.add(month.column, 'invalid-date', 'Month must be YYYY-MM.');
  } else {
    const dates = checkDates(
      { reportedOn: { raw: `${monthText}-01`, column: month.column } },
      ctx,
      problems,
    );
    reportedOn = dates?.reportedOn ?? null;
  }
  let location: ReturnType<typeof checkLngLat> = null;
  const x = parseNumber(lng.raw ?? '', false);
  const y = parseNumber(lat.raw ?? '', false);
  if (x === null || y === null) {
    problems.add(x === null ? lng.column : lat.column, 'invalid-number', 'Not a number.');
  } else {
    location = checkLngLat(x, y, null, lng.column, ctx, problems);
  }
  const externalRef = checkExternalRef(cell('crime_id'), EXTERNAL_REF_MAX_LENGTH, problems);
  if (
    problems.errors.length > 0 ||
    !reportedOn ||
    !location ||
    !mapped ||
    externalRef === undefined
  ) {
    return { kind: 'invalid', problems };
  }
  const { defaults } = settings;
  return recordOf(row, {
    reportedOn,
    occurredFrom: null,
    occurredTo: null,
    lng: location.lng,
    lat: location.lat,
    precision: 'street' as const, // police.uk snaps every crime to an anonymised map point
    placeType: defaults.placeType,
    category: mapped,
    sourceAgency: defaults.sourceAgency,
    sourceGrade: defaults.sourceGrade,
    intelligenceGrade: defaults.intelligenceGrade,
    handlingCode: defaults.handlingCode,
    summary: null,
    externalRef,
  });
}
