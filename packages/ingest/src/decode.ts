import { TextDecoder } from 'node:util';
import { IngestFileError, IngestLimitError } from './errors.ts';

export type TextEncodingName = 'utf-8' | 'windows-1252' | 'utf-16le';

/** A byte source: a file stream (async) or in-memory chunks. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Mutable result of sniffing, filled in while decoding (read it after the first text chunk). */
export interface DecodeState {
  encoding: TextEncodingName | null;
  bytes: number;
}

const MAGIC: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive or Excel workbook (.xlsx); save it as CSV'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel workbook (.xls); save it as CSV'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((b, i) => bytes[i] === b);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const asciiDecoder = new TextDecoder('latin1');

/**
 * Decode a byte stream to text chunks, enforcing the byte limit.
 *
 * Encoding: a UTF-8 BOM means UTF-8, a UTF-16LE BOM (Excel's "Unicode text") UTF-16LE. Otherwise the
 * decision waits for the first non-ASCII byte (everything before it is ASCII, identical in both
 * candidates, so nothing is decoded twice and memory stays flat): if the bytes from there are valid
 * UTF-8 the file is UTF-8, else Windows-1252 (Excel's "CSV" on Windows). A later invalid UTF-8
 * sequence in a file already judged UTF-8 is a file error. NUL bytes or a known binary signature
 * make the file binary.
 */
export async function* decodeText(
  source: ByteSource,
  maxBytes: number,
  state: DecodeState,
): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let first = true;

  for await (const raw of source) {
    state.bytes += raw.length;
    if (state.bytes > maxBytes) throw new IngestLimitError('bytes', maxBytes);
    let chunk: Uint8Array = concat(pending, raw);
    pending = new Uint8Array(0);
    if (first) {
      // Need a few bytes to see a BOM or a signature.
      if (chunk.length < 4) {
        pending = chunk;
        continue;
      }
      first = false;
      for (const [magic, what] of MAGIC) {
        if (startsWith(chunk, magic)) {
          throw new IngestFileError(
            'binary-file',
            `This is not a text file: it looks like ${what}.`,
          );
        }
      }
      if (startsWith(chunk, [0xef, 0xbb, 0xbf])) {
        state.encoding = 'utf-8';
        decoder = new TextDecoder('utf-8', { fatal: true });
        chunk = chunk.subarray(3);
      } else if (startsWith(chunk, [0xff, 0xfe])) {
        state.encoding = 'utf-16le';
        decoder = new TextDecoder('utf-16le');
        chunk = chunk.subarray(2);
      }
    }
    if (state.encoding !== 'utf-16le' && chunk.indexOf(0) !== -1) {
      throw new IngestFileError('binary-file', 'This is not a text file (it contains NUL bytes).');
    }
    if (decoder === null) {
      const firstHigh = firstNonAscii(chunk);
      if (firstHigh === -1) {
        yield asciiDecoder.decode(chunk);
        continue;
      }
      if (chunk.length - firstHigh < 4) {
        // Too few bytes to judge the sequence: emit the ASCII prefix, keep the rest.
        if (firstHigh > 0) yield asciiDecoder.decode(chunk.subarray(0, firstHigh));
        pending = chunk.slice(firstHigh);
        continue;
      }
      state.encoding = looksLikeUtf8(chunk.subarray(firstHigh)) ? 'utf-8' : 'windows-1252';
      decoder =
        state.encoding === 'utf-8'
          ? new TextDecoder('utf-8', { fatal: true })
          : new TextDecoder('windows-1252');
    }
    yield decodeOrFail(decoder, chunk, true);
  }
  if (first) {
    // A file of fewer than four bytes.
    if (pending.indexOf(0) !== -1) {
      throw new IngestFileError('binary-file', 'This is not a text file (it contains NUL bytes).');
    }
    if (startsWith(pending, [0xef, 0xbb, 0xbf])) pending = pending.subarray(3);
  }
  if (decoder === null) {
    if (pending.length === 0) {
      // Pure ASCII (or nothing): ASCII is valid UTF-8.
      state.encoding ??= 'utf-8';
      return;
    }
    state.encoding = looksLikeUtf8(pending) ? 'utf-8' : 'windows-1252';
    decoder = new TextDecoder(state.encoding, state.encoding === 'utf-8' ? { fatal: true } : {});
  }
  const tail = decodeOrFail(decoder, pending, false);
  if (tail.length > 0) yield tail;
}

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) return i;
  }
  return -1;
}

function looksLikeUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function decodeOrFail(decoder: TextDecoder, bytes: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch {
    throw new IngestFileError(
      'invalid-encoding',
      'The file mixes text encodings (it starts as UTF-8 but contains bytes that are not). Save it again as "CSV UTF-8".',
    );
  }
}
