/** The partnership's native CSV template: columns, documentation, template text. */

export const NATIVE_FIELDS = [
  'reported_on',
  'occurred_from',
  'occurred_to',
  'longitude',
  'latitude',
  'easting',
  'northing',
  'grid_ref',
  'location_precision',
  'place_type',
  'category',
  'source_agency',
  'source_grade',
  'intelligence_grade',
  'handling_code',
  'summary',
  'external_ref',
] as const;
export type NativeField = (typeof NATIVE_FIELDS)[number];

export interface NativeColumnSpec {
  readonly name: NativeField;
  /** 'yes': the column must be present and filled; 'location': see `location`. */
  readonly required: 'yes' | 'no' | 'location';
  readonly format: string;
  readonly description: string;
  readonly example: string;
}

/** Maximum lengths of the free-text columns (characters). */
export const SUMMARY_MAX_LENGTH = 500;
export const EXTERNAL_REF_MAX_LENGTH = 100;

/**
 * The documented column specification of the native CSV profile, in template order. Header names
 * are matched case-insensitively, and spaces or hyphens count as underscores ("Reported on" is
 * reported_on). Each row needs exactly one location: longitude + latitude, OR easting + northing,
 * OR grid_ref. The delimiter may be comma, semicolon or tab; the file may be UTF-8 (with or without
 * BOM) or Windows-1252, as Excel saves it.
 */
export const NATIVE_CSV_COLUMNS: readonly NativeColumnSpec[] = [
  {
    name: 'reported_on',
    required: 'yes',
    format: 'date: YYYY-MM-DD or DD/MM/YYYY',
    description: 'When the concern was reported. Not in the future, not before 2000.',
    example: '2024-03-14',
  },
  {
    name: 'occurred_from',
    required: 'no',
    format: 'date or date-time: YYYY-MM-DD, YYYY-MM-DD HH:MM, DD/MM/YYYY HH:MM (UK local time)',
    description: 'Start of when it happened, if known. Not after occurred_to or reported_on.',
    example: '2024-03-09 22:30',
  },
  {
    name: 'occurred_to',
    required: 'no',
    format: 'date or date-time, as occurred_from',
    description: 'End of when it happened, if known. Not after reported_on.',
    example: '2024-03-10 01:00',
  },
  {
    name: 'longitude',
    required: 'location',
    format: 'WGS84 decimal degrees, e.g. -2.2486',
    description: 'With latitude: the location as GPS / web-map coordinates.',
    example: '-2.2486',
  },
  {
    name: 'latitude',
    required: 'location',
    format: 'WGS84 decimal degrees, e.g. 52.3886',
    description: 'With longitude. Swapped latitude and longitude are detected and reported.',
    example: '52.3886',
  },
  {
    name: 'easting',
    required: 'location',
    format: 'British National Grid metres, digits only, e.g. 383150',
    description: 'With northing: the location as OS eastings/northings (EPSG:27700).',
    example: '383150',
  },
  {
    name: 'northing',
    required: 'location',
    format: 'British National Grid metres, digits only, e.g. 276580',
    description: 'With easting.',
    example: '276580',
  },
  {
    name: 'grid_ref',
    required: 'location',
    format: 'OS grid reference, 2 letters and 2-10 digits, e.g. SO 8315 7658',
    description:
      'The location as an OS grid reference. The centre of the referenced square is mapped; 8-10 digits are exact, 6 digits street level, 2-4 digits area level.',
    example: 'SO 8315 7658',
  },
  {
    name: 'location_precision',
    required: 'no',
    format: 'exact | street | area',
    description:
      'How precise the location is. Default: exact for coordinates, from the number of digits for grid references (it may not be finer than that).',
    example: 'street',
  },
  {
    name: 'place_type',
    required: 'yes',
    format: "a place-type code from the partnership's taxonomy",
    description: 'The kind of place, e.g. takeaway, hotel, park.',
    example: 'takeaway',
  },
  {
    name: 'category',
    required: 'yes',
    format: "a category code from the partnership's taxonomy",
    description: 'What was observed.',
    example: 'adults-loitering',
  },
  {
    name: 'source_agency',
    required: 'yes',
    format: 'an agency short code',
    description: 'The agency the intelligence came from.',
    example: 'WFDC',
  },
  {
    name: 'source_grade',
    required: 'yes',
    format: '1 | 2 | 3',
    description: '3x5x2 source evaluation: 1 reliable, 2 untested, 3 not reliable.',
    example: '2',
  },
  {
    name: 'intelligence_grade',
    required: 'yes',
    format: 'A | B | C | D | E',
    description: '3x5x2 intelligence assessment, A (known directly) to E (suspected false).',
    example: 'B',
  },
  {
    name: 'handling_code',
    required: 'yes',
    format: 'P | C',
    description: 'P: may be shared lawfully; C: conditions apply (never in aggregate views).',
    example: 'P',
  },
  {
    name: 'summary',
    required: 'no',
    format: `free text, at most ${SUMMARY_MAX_LENGTH} characters`,
    description:
      'A short anonymised description. No names, phone numbers, emails, dates (of birth or otherwise), full postcodes or vehicle registrations; may not start with = + - @.',
    example: 'Groups of adults seen collecting young people by car late evening',
  },
  {
    name: 'external_ref',
    required: 'no',
    format: `letters, digits and / _ . : # - (at most ${EXTERNAL_REF_MAX_LENGTH})`,
    description: "The record's reference in the source system, if any.",
    example: 'WF-2024-0193',
  },
];

/** Header aliases accepted besides the column names themselves (after normalisation). */
export const NATIVE_ALIASES: Readonly<Record<string, NativeField>> = {
  lng: 'longitude',
  lon: 'longitude',
  long: 'longitude',
  lat: 'latitude',
  grid_reference: 'grid_ref',
  os_grid_ref: 'grid_ref',
  gridref: 'grid_ref',
  precision: 'location_precision',
};

/** Normalise a header cell: trim, lower-case, spaces and hyphens to underscores. */
export function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** The header line of the native template, CRLF-terminated (what Excel writes). */
export const NATIVE_CSV_HEADER = NATIVE_FIELDS.join(',');

/**
 * The downloadable template (GET /api/batches/template.csv): the header and nothing else, so that
 * an unedited template never uploads example data. Examples are in NATIVE_CSV_EXAMPLE.
 */
export const NATIVE_CSV_TEMPLATE = `${NATIVE_CSV_HEADER}\r\n`;

/** A filled-in example, one row per location form, for the documentation and the UI. */
export const NATIVE_CSV_EXAMPLE = [
  NATIVE_CSV_HEADER,
  '2024-03-14,2024-03-09 22:30,2024-03-10 01:00,-2.2486,52.3886,,,,exact,takeaway,adults-loitering,WFDC,2,B,P,Groups of adults seen collecting young people by car late evening,WF-2024-0193',
  '14/03/2024,,,,,395600,270300,,street,park,young-people-gathering,BDC,1,C,P,,',
  '2024-03-15,,,,,,,SO 8315 7658,,hotel,concern-premises,WMP,2,B,C,Repeated bookings with young guests,',
].join('\r\n');
