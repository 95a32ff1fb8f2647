/**
 * @hotspot/ingest: pure, streaming parsing and validation of intelligence uploads (issue 4).
 * No database, no HTTP, no clock (pass `now`), nothing logged. See ingest() for the main entry.
 */
export type { AreaIndex, AreaInput } from './area.ts';
export { createAreaIndex } from './area.ts';
export type { GridReference } from './coordinates.ts';
export {
  BNG_PROJ4,
  bngToLngLat,
  lngLatToBng,
  parseGridReference,
  toGridReference,
} from './coordinates.ts';
export type { ByteSource, TextEncodingName } from './decode.ts';
export { IngestFileError, IngestLimitError } from './errors.ts';
export type { IngestEvent, IngestOptions, IngestReport } from './ingest.ts';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ROWS,
  detectDelimiter,
  ingest,
  ingestAll,
  toByteSource,
} from './ingest.ts';
export type { NativeColumnSpec, NativeField } from './native-columns.ts';
export {
  EXTERNAL_REF_MAX_LENGTH,
  NATIVE_CSV_COLUMNS,
  NATIVE_CSV_EXAMPLE,
  NATIVE_CSV_HEADER,
  NATIVE_CSV_TEMPLATE,
  NATIVE_FIELDS,
  SUMMARY_MAX_LENGTH,
} from './native-columns.ts';
export type { PoliceUkDefaults } from './profiles.ts';
export { POLICE_UK_COLUMNS } from './profiles.ts';
export type { PersonalDataKind } from './screen.ts';
export { findPersonalData, findPersonalDataInNote, isFormulaInjection } from './screen.ts';
export type { SyntheticNativeOptions } from './synthetic.ts';
export { generateSyntheticNativeCsv, syntheticNativeCsv } from './synthetic.ts';
export type { IngestTaxonomy } from './validate.ts';
export { NATIVE_WRITE_COLUMNS, nativeCsvLines, writeNativeCsv } from './write.ts';
