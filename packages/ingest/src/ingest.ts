// Over 400 lines because the streaming pipeline (read, detect the profile, validate, emit) is one
// async generator with the file-level errors it raises.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  IngestCounts,
  IngestFileInfo,
  IngestRecord,
  RowError,
  SkipReason,
  UploadProfile,
} from '@hotspot/contracts';
import { CsvError, parse } from 'csv-parse';
import { type AreaIndex, type AreaInput, createAreaIndex, isAreaIndex } from './area.ts';
import { type ByteSource, type DecodeState, decodeText } from './decode.ts';
import { FingerprintSet } from './dedupe.ts';
import { IngestFileError, IngestLimitError } from './errors.ts';
import { geojsonRows } from './geojson.ts';
import {
  type CsvHeader,
  detectCsvProfile,
  nativeCsvRow,
  type PoliceUkDefaults,
  type PoliceUkSettings,
  policeUkRow,
  type RowOutcome,
  resolveCsvHeader,
  wrongProfile,
} from './profiles.ts';
import { type IngestTaxonomy, localDate, lookupOf, type RowContext } from './validate.ts';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_ROWS = 500_000;

export interface IngestOptions {
  /** The profile the analyst chose; detected from the content when absent. */
  readonly profile?: UploadProfile;
  /** The current time (dates after today are refused). */
  readonly now: Date;
  /** Time zone that decides what "today" is. Default 'Europe/London'. */
  readonly timeZone?: string;
  readonly taxonomy: IngestTaxonomy;
  /** The partnership area (WGS84), or an index made once with createAreaIndex. */
  readonly area: AreaInput | AreaIndex;
  /** Default 50 MB. */
  readonly maxBytes?: number;
  /** Data rows (GeoJSON: features). Default 500,000. */
  readonly maxRows?: number;
  /** Unknown CSV columns: a file error (default) or ignored with a warning. */
  readonly unknownColumns?: 'error' | 'ignore';
  /** Needed for police.uk files. */
  readonly policeUk?: PoliceUkDefaults;
}

/**
 * What ingest() yields: first one `file` event, then one event per data row (blank rows are
 * passed over silently), in file order.
 */
export type IngestEvent =
  | { readonly kind: 'file'; readonly info: IngestFileInfo }
  | { readonly kind: 'record'; readonly record: IngestRecord }
  | {
      readonly kind: 'invalid';
      readonly row: number;
      readonly errors: readonly RowError[];
      /** Where the row is, when it could be read: its coordinates, its place description. */
      readonly at?: { readonly lng: number; readonly lat: number };
      readonly place?: string;
    }
  | {
      readonly kind: 'skipped';
      readonly row: number;
      readonly reason: SkipReason;
      readonly message: string;
    };

/** The whole result, for small inputs and tests (see ingestAll). */
export interface IngestReport {
  readonly info: IngestFileInfo;
  readonly records: IngestRecord[];
  readonly errors: RowError[];
  readonly skipped: { row: number; reason: SkipReason; message: string }[];
  readonly counts: IngestCounts;
}

interface Prepared {
  readonly ctx: RowContext;
  readonly maxBytes: number;
  readonly maxRows: number;
  readonly unknownColumns: 'error' | 'ignore';
  readonly policeUk: PoliceUkSettings | null;
}

function prepare(options: IngestOptions): Prepared {
  const { taxonomy } = options;
  const categories = lookupOf(taxonomy.categories);
  const placeTypes = lookupOf(taxonomy.placeTypes);
  const agencies = lookupOf(taxonomy.agencies);
  let policeUk: PoliceUkSettings | null = null;
  if (options.policeUk) {
    const d = options.policeUk;
    const agency = agencies.get(d.sourceAgency.toLowerCase());
    const placeType = placeTypes.get(d.placeType.toLowerCase());
    if (!agency) throw new TypeError('policeUk.sourceAgency is not one of the taxonomy agencies');
    if (!placeType)
      throw new TypeError('policeUk.placeType is not one of the taxonomy place types');
    const crimeTypes = new Map<string, string | null>();
    for (const [crimeType, category] of Object.entries(taxonomy.policeUkCrimeTypes ?? {})) {
      const known = category === null ? null : categories.get(category.toLowerCase());
      if (known === undefined) {
        throw new TypeError('policeUkCrimeTypes maps a crime type to an unknown category');
      }
      crimeTypes.set(crimeType.trim().toLowerCase(), known);
    }
    policeUk = {
      defaults: {
        sourceAgency: agency,
        placeType,
        sourceGrade: d.sourceGrade ?? '1',
        intelligenceGrade: d.intelligenceGrade ?? 'A',
        handlingCode: d.handlingCode ?? 'P',
      },
      crimeTypes,
    };
  }
  return {
    ctx: {
      today: localDate(options.now, options.timeZone ?? 'Europe/London'),
      area: isAreaIndex(options.area) ? options.area : createAreaIndex(options.area),
      categories,
      placeTypes,
      agencies,
    },
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    unknownColumns: options.unknownColumns ?? 'error',
    policeUk,
  };
}

/**
 * Parse and validate an upload as a stream: memory stays flat whatever the number of rows.
 *
 * Throws (from the iteration) IngestLimitError when the byte or row limit is passed (answer 413)
 * and IngestFileError for whole-file problems (empty, header only, binary, wrong profile, missing
 * or unknown columns, truncated...). A file error can come after rows were yielded (a truncated
 * file is only known at its end), so callers must treat the batch as failed, never half-keep it.
 * Duplicate rows (same fingerprint) are 'duplicate-row' errors naming the first row; for police.uk
 * only rows with a Crime ID are compared, because police.uk publishes identical rows without an ID
 * for distinct anti-social behaviour incidents at the same snap point.
 *
 * @example
 * for await (const event of ingest(file.stream(), { now: new Date(), taxonomy, area })) {
 *   if (event.kind === 'record') stage(event.record);
 * }
 */
export async function* ingest(
  source: ByteSource,
  options: IngestOptions,
): AsyncGenerator<IngestEvent, void, undefined> {
  const prepared = prepare(options);
  const state: DecodeState = { encoding: null, bytes: 0 };
  const text = decodeText(source, prepared.maxBytes, state);

  // Read until the first non-blank character to tell JSON from CSV.
  let head = '';
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    if (/\S/.test(head)) break;
  }
  const firstChar = /\S/.exec(head)?.[0];
  if (firstChar === undefined) {
    throw new IngestFileError('empty-file', 'The file is empty.');
  }
  const rest = (async function* () {
    yield head;
    for (;;) {
      const next = await text.next();
      if (next.done) return;
      yield next.value;
    }
  })();

  const dedupe = new FingerprintSet();
  const emit = (outcome: RowOutcome, dedupeThis: boolean): IngestEvent => {
    if (outcome.kind === 'skipped') return outcome;
    if (outcome.kind === 'invalid') {
      const { problems } = outcome;
      return {
        kind: 'invalid',
        row: problems.row,
        errors: problems.errors,
        ...(problems.at ? { at: problems.at } : {}),
        ...(problems.place ? { place: problems.place } : {}),
      };
    }
    const { record } = outcome;
    if (dedupeThis) {
      const first = dedupe.addOrGet(record.fingerprint, record.row);
      if (first !== null) {
        return {
          kind: 'invalid',
          row: record.row,
          at: { lng: record.lng, lat: record.lat },
          errors: [
            {
              row: record.row,
              column: null,
              code: 'duplicate-row',
              message: `Duplicate of row ${first}.`,
            },
          ],
        };
      }
    }
    return outcome;
  };

  if (firstChar === '{' || firstChar === '[') {
    if (options.profile && options.profile !== 'geojson') {
      throw wrongProfile(options.profile, 'geojson');
    }
    let count = 0;
    for await (const item of geojsonRows(rest, prepared.ctx, prepared.maxRows, state)) {
      if (item.kind === 'file') {
        yield item;
        continue;
      }
      count++;
      yield emit(item, true);
    }
    if (count === 0)
      throw new IngestFileError('header-only', 'The FeatureCollection has no features.');
    return;
  }

  yield* csvEvents(rest, options.profile, prepared, state, emit);
}

async function* csvEvents(
  text: AsyncIterable<string>,
  chosen: UploadProfile | undefined,
  prepared: Prepared,
  state: DecodeState,
  emit: (outcome: RowOutcome, dedupeThis: boolean) => IngestEvent,
): AsyncGenerator<IngestEvent, void, undefined> {
  // Detect the delimiter from the header line, buffering only that line.
  const iterator = text[Symbol.asyncIterator]();
  let buffered = '';
  let headerEnd = -1;
  while (headerEnd === -1) {
    const next = await iterator.next();
    if (next.done) break;
    buffered += next.value;
    headerEnd = buffered.search(/[\r\n]/);
    if (headerEnd === -1 && buffered.length > 1_000_000) {
      throw new IngestFileError(
        'malformed-csv',
        'The first line is longer than 1 MB: not a CSV header.',
      );
    }
  }
  const delimiter = detectDelimiter(headerEnd === -1 ? buffered : buffered.slice(0, headerEnd));
  const source = Readable.from(
    (async function* () {
      yield buffered;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  const parser = parse({
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    bom: false,
    trim: false,
  });
  const piping = pipeline(source, parser);
  piping.catch(() => {}); // surfaced through the parser's iterator below

  let header: CsvHeader | null = null;
  let dataRows = 0;
  let nonBlank = 0;
  const policeUk = prepared.policeUk;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (header === null) {
        const looksLike = detectCsvProfile(cells);
        const profile = chosen ?? looksLike;
        if (profile === null) {
          throw new IngestFileError(
            'unknown-format',
            'The columns are neither the native template nor a police.uk street-level file. Download the template to see the expected columns.',
          );
        }
        if (profile === 'geojson') throw wrongProfile('geojson', looksLike ?? 'native-csv');
        if (looksLike !== null && looksLike !== profile) throw wrongProfile(profile, looksLike);
        if (profile === 'police-uk' && !policeUk) {
          throw new TypeError('ingest options need policeUk defaults to read police.uk files');
        }
        header = resolveCsvHeader(cells, profile, prepared.unknownColumns);
        yield {
          kind: 'file',
          info: {
            profile,
            encoding: state.encoding ?? 'utf-8',
            delimiter,
            columns: [...cells],
            warnings: [...header.warnings],
          },
        };
        continue;
      }
      dataRows++;
      if (dataRows > prepared.maxRows) throw new IngestLimitError('rows', prepared.maxRows);
      const row = dataRows + 1; // the header is spreadsheet row 1
      if (cells.every((c) => c.trim() === '')) continue;
      nonBlank++;
      if (header.profile === 'native-csv') {
        yield emit(nativeCsvRow(cells, row, header, prepared.ctx), true);
      } else {
        const outcome = policeUkRow(cells, row, header, prepared.ctx, policeUk!);
        yield emit(outcome, outcome.kind === 'record' && outcome.record.externalRef !== null);
      }
    }
  } catch (error) {
    throw toFileError(error);
  } finally {
    parser.destroy();
  }
  if (header === null) throw new IngestFileError('empty-file', 'The file is empty.');
  if (nonBlank === 0) {
    throw new IngestFileError('header-only', 'The file has a header but no data rows.');
  }
}

function toFileError(error: unknown): unknown {
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    const where = typeof line === 'number' ? ` (near line ${line})` : '';
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      return new IngestFileError(
        'truncated',
        `The file ends inside a quoted field${where}: it was cut off or a quote is unbalanced.`,
      );
    }
    return new IngestFileError('malformed-csv', `The file is not valid CSV${where}.`);
  }
  return error;
}

/** Comma, semicolon or tab: whichever occurs most in the header line outside quotes. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

/** Turn a string, bytes or a byte stream into a byte source. */
export function toByteSource(input: string | Uint8Array | ByteSource): ByteSource {
  if (typeof input === 'string') return [new TextEncoder().encode(input)];
  if (input instanceof Uint8Array) return [input];
  return input;
}

/**
 * Convenience for small inputs (tests, a single-concern form, previews): run ingest() to the end
 * and collect everything. Do not use it for uploads of unknown size; iterate ingest() instead.
 * @example const report = await ingestAll(csvText, { now, taxonomy, area });
 */
export async function ingestAll(
  input: string | Uint8Array | ByteSource,
  options: IngestOptions,
): Promise<IngestReport> {
  let info: IngestFileInfo | null = null;
  const records: IngestRecord[] = [];
  const errors: RowError[] = [];
  const skipped: { row: number; reason: SkipReason; message: string }[] = [];
  let invalid = 0;
  for await (const event of ingest(toByteSource(input), options)) {
    switch (event.kind) {
      case 'file':
        info = event.info;
        break;
      case 'record':
        records.push(event.record);
        break;
      case 'invalid':
        invalid++;
        errors.push(...event.errors);
        break;
      case 'skipped':
        skipped.push({ row: event.row, reason: event.reason, message: event.message });
        break;
    }
  }
  if (info === null) throw new IngestFileError('empty-file', 'The file is empty.');
  return {
    info,
    records,
    errors,
    skipped,
    counts: {
      total: records.length + invalid + skipped.length,
      valid: records.length,
      invalid,
      skipped: skipped.length,
    },
  };
}
