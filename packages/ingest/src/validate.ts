// Over 400 lines because each field's row validation and message, in the template's column order,
// is one table to check against the documented template.
import { hash } from 'node:crypto';
import {
  HANDLING_CODES,
  type HandlingCode,
  INTELLIGENCE_GRADES,
  type IngestRecord,
  type IntelligenceGrade,
  LOCATION_PRECISIONS,
  type LocationPrecision,
  type RowError,
  type RowErrorCode,
  SOURCE_GRADES,
  type SourceGrade,
} from '@hotspot/contracts';
import type { AreaIndex } from './area.ts';
import {
  bngToLngLat,
  isBngInRange,
  isInBritishIsles,
  parseGridReference,
  roundDegrees,
} from './coordinates.ts';
import { findPersonalData, isFormulaInjection } from './screen.ts';

/** The partnership's vocabularies that uploads are checked against. */
export interface IngestTaxonomy {
  /** Category codes (what was observed). */
  readonly categories: readonly string[];
  /** Place-type codes. */
  readonly placeTypes: readonly string[];
  /** Agency short codes. Matched case-insensitively, written as given here. */
  readonly agencies: readonly string[];
  /**
   * police.uk "Crime type" -> category code. A crime type mapped to null is skipped on purpose
   * (reason 'excluded-crime-type'); one that is missing is an 'unknown-category' error.
   */
  readonly policeUkCrimeTypes?: Readonly<Record<string, string | null>>;
}

/** Everything a row check needs, prepared once per file. */
export interface RowContext {
  /** Today's date in the partnership's time zone, YYYY-MM-DD. */
  readonly today: string;
  readonly area: AreaIndex;
  readonly categories: ReadonlyMap<string, string>;
  readonly placeTypes: ReadonlyMap<string, string>;
  readonly agencies: ReadonlyMap<string, string>;
}

export function lookupOf(codes: readonly string[]): ReadonlyMap<string, string> {
  return new Map(codes.map((code) => [code.trim().toLowerCase(), code]));
}

/** Today's date (YYYY-MM-DD) at `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** Collects the errors of one row. */
export class RowProblems {
  readonly errors: RowError[] = [];
  /** Where the row is, as far as it could be read (set while checking its location). */
  at: { readonly lng: number; readonly lat: number } | null = null;
  place: string | null = null;
  constructor(readonly row: number) {}
  add(column: string | null, code: RowErrorCode, message: string): void {
    this.errors.push({ row: this.row, column, code, message });
  }
}

// ---------------------------------------------------------------- dates

interface ParsedDate {
  readonly date: string;
  readonly time: string | null;
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parse a date or local date-time: YYYY-MM-DD[( |T)HH:MM[:SS]] or DD/MM/YYYY[ HH:MM[:SS]].
 * Day-first only (UK); two-digit years are refused as ambiguous.
 */
export function parseDate(raw: string): ParsedDate | null {
  let y: string | undefined;
  let m: string | undefined;
  let d: string | undefined;
  let hh: string | undefined;
  let mm: string | undefined;
  let ss: string | undefined;
  const iso = ISO_DATE.exec(raw);
  if (iso) [, y, m, d, hh, mm, ss] = iso;
  else {
    const uk = UK_DATE.exec(raw);
    if (!uk) return null;
    [, d, m, y, hh, mm, ss] = uk;
  }
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  // The common case, already canonical (YYYY-MM-DD), is kept as it is rather than rebuilt.
  const date =
    iso && raw.length === 10 && (m as string).length === 2 && (d as string).length === 2
      ? raw
      : `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
  if (hh === undefined) return { date, time: null };
  const h = Number(hh);
  const min = Number(mm);
  const s = ss === undefined ? 0 : Number(ss);
  if (h > 23 || min > 59 || s > 59) return null;
  return { date, time: `${pad2(h)}:${pad2(min)}:${pad2(s)}` };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Days in a month of the proleptic Gregorian calendar (what Date.UTC uses). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Check a parsed date against 2000-01-01 and today; returns false (with an error) when bad. */
function checkDateRange(
  parsed: ParsedDate,
  column: string,
  ctx: RowContext,
  problems: RowProblems,
): boolean {
  if (parsed.date < '2000-01-01') {
    problems.add(column, 'date-before-2000', 'The date is before 1 January 2000.');
    return false;
  }
  if (parsed.date > ctx.today) {
    problems.add(column, 'future-date', 'The date is in the future.');
    return false;
  }
  return true;
}

export function toIsoLocal(parsed: ParsedDate): string {
  return parsed.time === null ? parsed.date : `${parsed.date}T${parsed.time}`;
}

export interface DateInputs {
  readonly reportedOn: { readonly raw: string | undefined; readonly column: string };
  readonly occurredFrom?: { readonly raw: string | undefined; readonly column: string };
  readonly occurredTo?: { readonly raw: string | undefined; readonly column: string };
}

export interface CheckedDates {
  readonly reportedOn: string;
  readonly occurredFrom: string | null;
  readonly occurredTo: string | null;
}

// Module-level rather than a closure per row: closures are allocated (and, under tsx, named with
// Object.defineProperty) on every call, which shows in profiles of 100,000-row files.
function checkOneDate(
  input: { readonly raw: string | undefined; readonly column: string } | undefined,
  required: boolean,
  ctx: RowContext,
  problems: RowProblems,
): ParsedDate | null {
  const raw = input?.raw?.trim() ?? '';
  if (raw === '' || input === undefined) {
    if (required) problems.add(input?.column ?? null, 'required', 'A date is required.');
    return null;
  }
  if (isFormulaInjection(input.raw ?? '')) {
    problems.add(input.column, 'formula-injection', formulaMessage);
    return null;
  }
  const parsed = parseDate(raw);
  if (!parsed) {
    problems.add(
      input.column,
      'invalid-date',
      'Not a date: write YYYY-MM-DD or DD/MM/YYYY, optionally with a time HH:MM.',
    );
    return null;
  }
  return checkDateRange(parsed, input.column, ctx, problems) ? parsed : null;
}

export function checkDates(
  inputs: DateInputs,
  ctx: RowContext,
  problems: RowProblems,
): CheckedDates | null {
  const before = problems.errors.length;
  const reported = checkOneDate(inputs.reportedOn, true, ctx, problems);
  const from = checkOneDate(inputs.occurredFrom, false, ctx, problems);
  const to = checkOneDate(inputs.occurredTo, false, ctx, problems);
  if (problems.errors.length > before || reported === null) return null;

  const fromIso = from ? toIsoLocal(from) : null;
  const toIso = to ? toIsoLocal(to) : null;
  if (
    from &&
    to &&
    (from.time !== null && to.time !== null ? fromIso! > toIso! : from.date > to.date)
  ) {
    problems.add(
      inputs.occurredTo?.column ?? null,
      'date-order',
      'occurred_to is before occurred_from.',
    );
    return null;
  }
  const latest = to ?? from;
  if (latest && latest.date > reported.date) {
    problems.add(
      (to ? inputs.occurredTo?.column : inputs.occurredFrom?.column) ?? null,
      'date-order',
      'The occurrence is after the reported date.',
    );
    return null;
  }
  return { reportedOn: reported.date, occurredFrom: fromIso, occurredTo: toIso };
}

// ---------------------------------------------------------------- numbers and locations

const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number. `decimalComma` accepts "52,3886" (Excel in locales that save with
 * semicolons); never used for eastings/northings, where a comma is a thousands separator.
 */
export function parseNumber(raw: string, decimalComma: boolean): number | null {
  let text = raw.trim();
  if (decimalComma && DECIMAL_COMMA.test(text)) text = text.replace(',', '.');
  if (!DECIMAL.test(text)) return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export interface LocationInputs {
  readonly longitude?: { readonly raw: string | undefined; readonly column: string };
  readonly latitude?: { readonly raw: string | undefined; readonly column: string };
  readonly easting?: { readonly raw: string | undefined; readonly column: string };
  readonly northing?: { readonly raw: string | undefined; readonly column: string };
  readonly gridRef?: { readonly raw: string | undefined; readonly column: string };
}

export interface CheckedLocation {
  readonly lng: number;
  readonly lat: number;
  /** The coarsest precision the location form allows (grid references), else null. */
  readonly impliedPrecision: LocationPrecision | null;
}

const filled = (input: { readonly raw: string | undefined } | undefined) =>
  input !== undefined && (input.raw ?? '').trim() !== '';

function numberPair(
  a: { readonly raw: string | undefined; readonly column: string } | undefined,
  b: { readonly raw: string | undefined; readonly column: string } | undefined,
  decimalComma: boolean,
  what: string,
  problems: RowProblems,
): [number, number] | null {
  const x = numberOf(a, decimalComma, what, problems);
  const y = numberOf(b, decimalComma, what, problems);
  return x === null || y === null ? null : [x, y];
}

function numberOf(
  input: { readonly raw: string | undefined; readonly column: string } | undefined,
  decimalComma: boolean,
  what: string,
  problems: RowProblems,
): number | null {
  if (!input || !filled(input)) {
    problems.add(input?.column ?? null, 'required', `Both ${what} are needed.`);
    return null;
  }
  const value = parseNumber(input.raw ?? '', decimalComma);
  if (value === null) {
    problems.add(
      input.column,
      'invalid-number',
      decimalComma
        ? 'Not a number.'
        : 'Not a number (write metres as digits, without thousands separators).',
    );
  }
  return value;
}

/**
 * Resolve one of the three location forms to WGS84 and check it lies in the area. Returns
 * 'none' when no location was given (the caller decides: error or skip).
 */
export function checkLocation(
  inputs: LocationInputs,
  ctx: RowContext,
  problems: RowProblems,
): CheckedLocation | 'none' | null {
  const hasLngLat = filled(inputs.longitude) || filled(inputs.latitude);
  const hasBng = filled(inputs.easting) || filled(inputs.northing);
  const hasGrid = filled(inputs.gridRef);
  const forms = Number(hasLngLat) + Number(hasBng) + Number(hasGrid);
  if (forms === 0) return 'none';
  if (forms > 1) {
    problems.add(
      null,
      'multiple-locations',
      'Give one location only: longitude/latitude, easting/northing or a grid reference.',
    );
    return null;
  }

  if (hasLngLat) {
    const values = numberPair(
      inputs.longitude,
      inputs.latitude,
      true,
      'longitude and latitude',
      problems,
    );
    if (!values) return null;
    return checkLngLat(values[0], values[1], null, inputs.longitude?.column ?? null, ctx, problems);
  }
  if (hasBng) {
    const values = numberPair(
      inputs.easting,
      inputs.northing,
      false,
      'easting and northing',
      problems,
    );
    if (!values) return null;
    const [easting, northing] = values;
    const column = inputs.easting?.column ?? null;
    if (!isBngInRange(easting, northing)) {
      problems.add(
        column,
        'invalid-coordinate',
        'Easting must be 0-700000 and northing 0-1300000 metres (British National Grid).',
      );
      return null;
    }
    const [lng, lat] = bngToLngLat(easting, northing);
    if (ctx.area.contains(lng, lat)) return { lng, lat, impliedPrecision: null };
    if (isBngInRange(northing, easting)) {
      const [sLng, sLat] = bngToLngLat(northing, easting);
      if (ctx.area.contains(sLng, sLat)) {
        problems.add(
          column,
          'easting-northing-swapped',
          'Easting and northing appear to be swapped: the point is in the area the other way round.',
        );
        return null;
      }
    }
    problems.add(column, 'outside-area', 'The location is outside the partnership area.');
    return null;
  }
  const gridInput = inputs.gridRef!;
  if (isFormulaInjection(gridInput.raw ?? '')) {
    problems.add(gridInput.column, 'formula-injection', formulaMessage);
    return null;
  }
  const grid = parseGridReference(gridInput.raw ?? '');
  if (!grid) {
    problems.add(
      gridInput.column,
      'invalid-grid-reference',
      'Not an OS grid reference: two letters and 2, 4, 6, 8 or 10 digits, e.g. SO 8315 7658.',
    );
    return null;
  }
  const [lng, lat] = bngToLngLat(grid.easting, grid.northing);
  if (!ctx.area.contains(lng, lat)) {
    problems.add(gridInput.column, 'outside-area', 'The location is outside the partnership area.');
    return null;
  }
  return { lng, lat, impliedPrecision: grid.precision };
}

/** Check WGS84 coordinates: ranges, a swap, the area. */
export function checkLngLat(
  lngIn: number,
  latIn: number,
  impliedPrecision: LocationPrecision | null,
  column: string | null,
  ctx: RowContext,
  problems: RowProblems,
): CheckedLocation | null {
  const lng = roundDegrees(lngIn);
  const lat = roundDegrees(latIn);
  const swapMessage =
    'Latitude and longitude appear to be swapped (the latitude column holds a longitude).';
  if (Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    if (Math.abs(lat) <= 180 && Math.abs(lng) <= 90 && ctx.area.contains(lat, lng)) {
      problems.add(column, 'lat-lng-swapped', swapMessage);
    } else {
      problems.add(
        column,
        'invalid-coordinate',
        'Longitude must be -180..180 and latitude -90..90.',
      );
    }
    return null;
  }
  if (ctx.area.contains(lng, lat)) {
    problems.at = { lng, lat };
    return { lng, lat, impliedPrecision };
  }
  if (ctx.area.contains(lat, lng) || (!isInBritishIsles(lng, lat) && isInBritishIsles(lat, lng))) {
    problems.add(column, 'lat-lng-swapped', swapMessage);
    return null;
  }
  problems.at = { lng, lat };
  problems.add(column, 'outside-area', 'The location is outside the partnership area.');
  return null;
}

const PRECISION_RANK: Readonly<Record<LocationPrecision, number>> = {
  exact: 0,
  street: 1,
  area: 2,
};

export function checkPrecision(
  input: { readonly raw: string | undefined; readonly column: string } | undefined,
  implied: LocationPrecision | null,
  problems: RowProblems,
): LocationPrecision | null {
  const raw = input?.raw?.trim().toLowerCase() ?? '';
  if (raw === '') return implied ?? 'exact';
  if (!(LOCATION_PRECISIONS as readonly string[]).includes(raw)) {
    problems.add(input?.column ?? null, 'invalid-precision', 'Use exact, street or area.');
    return null;
  }
  const precision = raw as LocationPrecision;
  if (implied && PRECISION_RANK[precision] < PRECISION_RANK[implied]) {
    problems.add(
      input?.column ?? null,
      'invalid-precision',
      `The grid reference is only precise to ${implied} level.`,
    );
    return null;
  }
  return precision;
}

// ---------------------------------------------------------------- text and codes

export const formulaMessage =
  'The cell starts with =, +, -, @, a tab or a carriage return, which a spreadsheet would run as a formula. Remove that first character.';

/** A taxonomy/agency code cell: formula check, required, known. */
export function checkCode(
  input: { readonly raw: string | undefined; readonly column: string },
  lookup: ReadonlyMap<string, string>,
  code: 'unknown-category' | 'unknown-place-type' | 'unknown-agency',
  what: string,
  problems: RowProblems,
): string | null {
  const raw = input.raw ?? '';
  if (isFormulaInjection(raw)) {
    problems.add(input.column, 'formula-injection', formulaMessage);
    return null;
  }
  const value = raw.trim();
  if (value === '') {
    problems.add(
      input.column,
      'required',
      `${/^[aeiou]/.test(what) ? 'An' : 'A'} ${what} is required.`,
    );
    return null;
  }
  const known = lookup.get(value.toLowerCase());
  if (known === undefined) {
    // "categories", not "categorys": the message is read on the upload page as it is.
    const plural = what.endsWith('y') ? `${what.slice(0, -1)}ies` : `${what}s`;
    problems.add(input.column, code, `Not one of the partnership's ${plural}.`);
    return null;
  }
  return known;
}

export interface CheckedGrading {
  readonly sourceGrade: SourceGrade;
  readonly intelligenceGrade: IntelligenceGrade;
  readonly handlingCode: HandlingCode;
}

function checkGrade<T extends string>(
  input: { readonly raw: string | undefined; readonly column: string },
  allowed: readonly T[],
  message: string,
  problems: RowProblems,
): T | null {
  const raw = input.raw ?? '';
  if (isFormulaInjection(raw)) {
    problems.add(input.column, 'formula-injection', formulaMessage);
    return null;
  }
  const value = raw.trim().toUpperCase();
  if (value === '') {
    problems.add(input.column, 'required', 'A grading is required (3x5x2).');
    return null;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    problems.add(input.column, 'invalid-grading', message);
    return null;
  }
  return value as T;
}

export function checkGrading(
  inputs: {
    readonly source: { readonly raw: string | undefined; readonly column: string };
    readonly intelligence: { readonly raw: string | undefined; readonly column: string };
    readonly handling: { readonly raw: string | undefined; readonly column: string };
  },
  problems: RowProblems,
): CheckedGrading | null {
  const sourceGrade = checkGrade(
    inputs.source,
    SOURCE_GRADES,
    'Source grade must be 1, 2 or 3.',
    problems,
  );
  const intelligenceGrade = checkGrade(
    inputs.intelligence,
    INTELLIGENCE_GRADES,
    'Intelligence grade must be A, B, C, D or E.',
    problems,
  );
  const handlingCode = checkGrade(
    inputs.handling,
    HANDLING_CODES,
    'Handling code must be P or C.',
    problems,
  );
  if (!sourceGrade || !intelligenceGrade || !handlingCode) return null;
  return { sourceGrade, intelligenceGrade, handlingCode };
}

/** Optional free text: formula check, length, personal-data screen. Undefined means rejected. */
export function checkFreeText(
  input: { readonly raw: string | undefined; readonly column: string } | undefined,
  maxLength: number,
  problems: RowProblems,
): string | null | undefined {
  const raw = input?.raw ?? '';
  if (input === undefined || raw.trim() === '') return null;
  if (isFormulaInjection(raw)) {
    problems.add(input.column, 'formula-injection', formulaMessage);
    return undefined;
  }
  const value = raw.trim();
  if (value.length > maxLength) {
    problems.add(input.column, 'too-long', `At most ${maxLength} characters.`);
    return undefined;
  }
  const kinds = findPersonalData(value);
  if (kinds.length > 0) {
    problems.add(
      input.column,
      'personal-data',
      `Looks like personal data (${kinds.join(', ')}). Remove it: records must be anonymised.`,
    );
    return undefined;
  }
  return value;
}

const EXTERNAL_REF = /^[\p{L}\p{N}][\p{L}\p{N} /_.:#-]*$/u;

export function checkExternalRef(
  input: { readonly raw: string | undefined; readonly column: string } | undefined,
  maxLength: number,
  problems: RowProblems,
): string | null | undefined {
  const raw = input?.raw ?? '';
  if (input === undefined || raw.trim() === '') return null;
  if (isFormulaInjection(raw)) {
    problems.add(input.column, 'formula-injection', formulaMessage);
    return undefined;
  }
  const value = raw.trim();
  if (value.length > maxLength) {
    problems.add(input.column, 'too-long', `At most ${maxLength} characters.`);
    return undefined;
  }
  if (!EXTERNAL_REF.test(value)) {
    problems.add(
      input.column,
      'invalid-reference',
      'A reference may hold letters, digits, spaces and / _ . : # - only.',
    );
    return undefined;
  }
  return value;
}

// ---------------------------------------------------------------- fingerprint

/**
 * sha256 (hex) of a record's normalised content: every field except `row` and `fingerprint`, in a
 * fixed order, as JSON. Values are already normalised (trimmed, canonical codes, 7-decimal
 * coordinates), so the same record written differently (other delimiter, date style, location
 * form giving the same point) has the same fingerprint.
 */
export function fingerprintOf(record: Omit<IngestRecord, 'row' | 'fingerprint'>): string {
  const content = JSON.stringify([
    record.reportedOn,
    record.occurredFrom,
    record.occurredTo,
    record.lng,
    record.lat,
    record.precision,
    record.placeType,
    record.category,
    record.sourceAgency,
    record.sourceGrade,
    record.intelligenceGrade,
    record.handlingCode,
    record.summary,
    record.externalRef,
  ]);
  // One-shot hash: no Hash object per row (same digest as createHash().update().digest()).
  return hash('sha256', content, 'hex');
}
