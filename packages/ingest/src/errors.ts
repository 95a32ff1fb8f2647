import type { FileErrorCode } from '@hotspot/contracts';

/**
 * The upload is larger than allowed (bytes) or has more data rows than allowed (rows). Thrown as
 * soon as the limit is passed, while streaming; the API answers 413.
 */
export class IngestLimitError extends Error {
  override readonly name = 'IngestLimitError';
  constructor(
    readonly kind: 'bytes' | 'rows',
    readonly limit: number,
  ) {
    super(
      kind === 'bytes'
        ? `The file is larger than the limit of ${limit.toLocaleString('en-GB')} bytes.`
        : `The file has more than the limit of ${limit.toLocaleString('en-GB')} data rows.`,
    );
  }
}

/**
 * The file as a whole cannot be read (empty, binary, wrong profile, bad header, truncated...).
 * `code` is stable; `message` is written for the analyst and never quotes cell contents.
 */
export class IngestFileError extends Error {
  override readonly name = 'IngestFileError';
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Quote a header name for a message: printable, short, never a cell value. */
export function quoteHeader(name: string): string {
  const clean = name.replace(/[\p{Cc}\p{Cf}]/gu, '').slice(0, 40);
  return `"${clean}"`;
}
