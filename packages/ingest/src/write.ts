import type { IngestRecord } from '@hotspot/contracts';
import type { NativeField } from './native-columns.ts';

/** The columns writeNativeCsv writes: the native template with the location as lng/lat. */
export const NATIVE_WRITE_COLUMNS: readonly NativeField[] = [
  'reported_on',
  'occurred_from',
  'occurred_to',
  'longitude',
  'latitude',
  'location_precision',
  'place_type',
  'category',
  'source_agency',
  'source_grade',
  'intelligence_grade',
  'handling_code',
  'summary',
  'external_ref',
];

/** Quote a CSV field when it holds a delimiter, quote, line break or edge spaces (RFC 4180). */
export function csvField(value: string): string {
  return /[",;\t\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function line(record: Omit<IngestRecord, 'row' | 'fingerprint'>): string {
  return [
    record.reportedOn,
    record.occurredFrom ?? '',
    record.occurredTo ?? '',
    String(record.lng),
    String(record.lat),
    record.precision,
    record.placeType,
    record.category,
    record.sourceAgency,
    record.sourceGrade,
    record.intelligenceGrade,
    record.handlingCode,
    record.summary ?? '',
    record.externalRef ?? '',
  ]
    .map(csvField)
    .join(',');
}

/**
 * Lines of a native CSV (header first), CRLF-terminated, one record at a time: for exports of any
 * size. Parsing the output gives back the same records (same content and fingerprints).
 */
export function* nativeCsvLines(
  records: Iterable<Omit<IngestRecord, 'row' | 'fingerprint'>>,
): Generator<string> {
  yield `${NATIVE_WRITE_COLUMNS.join(',')}\r\n`;
  for (const record of records) yield `${line(record)}\r\n`;
}

/**
 * Serialise records as a native CSV (UTF-8, comma, CRLF, header first).
 * @example writeNativeCsv(report.records) // 'reported_on,occurred_from,...\r\n2024-03-14,...'
 */
export function writeNativeCsv(
  records: Iterable<Omit<IngestRecord, 'row' | 'fingerprint'>>,
): string {
  let out = '';
  for (const part of nativeCsvLines(records)) out += part;
  return out;
}
