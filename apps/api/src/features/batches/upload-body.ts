import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import busboy from 'busboy';
import type { Context } from 'hono';
import { PROBLEM, ProblemError } from '../../http/problem.ts';
import { UploadInterruptedError } from './upload.ts';

/** Content types accepted as the raw file body (the web app's upload, with ?fileName=&profile=). */
export const RAW_UPLOAD_TYPES = [
  'text/csv',
  'text/plain',
  'application/geo+json',
  'application/json',
  'application/octet-stream',
] as const;

// A multipart body carries boundaries and part headers besides the file.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface UploadRequest {
  readonly fileName: string | undefined;
  readonly profile: string | undefined;
  readonly file: AsyncIterable<Uint8Array>;
  /** The declared length of a raw body. */
  readonly expectedBytes: number | undefined;
  /** Stops reading the request (after a limit or an error), releasing the parser. */
  dispose(): void;
}

/**
 * Reads an upload without buffering it: multipart/form-data (fields `profile` and `fileName`
 * must come before the `file` part, as the browser's FormData sends them when appended first)
 * or the raw file as the body. The file arrives as a byte stream that throws
 * UploadInterruptedError when the request is cut off.
 */
export async function readUploadRequest(c: Context, maxBytes: number): Promise<UploadRequest> {
  const contentType = c.req.header('content-type') ?? '';
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  const body = c.req.raw.body;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const isMultipart = mediaType === 'multipart/form-data';
  if (!isMultipart && !(RAW_UPLOAD_TYPES as readonly string[]).includes(mediaType)) {
    throw new ProblemError(
      PROBLEM.unsupportedMediaType,
      `Send the file as multipart/form-data or as the body with one of: ${RAW_UPLOAD_TYPES.join(', ')}.`,
    );
  }
  // Refuse at once what is declared too big, without reading it.
  if (
    Number.isFinite(declared) &&
    declared > maxBytes + (isMultipart ? MULTIPART_OVERHEAD_BYTES : 0)
  ) {
    throw new ProblemError(
      PROBLEM.tooLarge,
      `The file is larger than the limit of ${maxBytes.toLocaleString('en-GB')} bytes.`,
      { limit: { kind: 'bytes', value: maxBytes } },
    );
  }
  if (!body) throw missingFile();
  const stream = Readable.fromWeb(body as unknown as NodeReadableStream<Uint8Array>);
  if (!isMultipart) {
    return {
      fileName: c.req.query('fileName'),
      profile: c.req.query('profile'),
      file: stream,
      expectedBytes: Number.isFinite(declared) ? declared : undefined,
      dispose: () => stream.destroy(),
    };
  }
  return readMultipart(stream, contentType, maxBytes);
}

function readMultipart(stream: Readable, contentType: string, maxBytes: number) {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: 1, fields: 10, fieldSize: 1024, fileSize: maxBytes + 1 },
    });
  } catch {
    throw new ProblemError(PROBLEM.badRequest, 'The multipart body has no boundary.');
  }
  const fields: Record<string, string> = {};
  const dispose = () => {
    stream.unpipe(parser);
    stream.destroy();
    parser.removeAllListeners();
    parser.on('error', () => undefined);
  };
  return new Promise<UploadRequest>((resolve, reject) => {
    let fileSeen = false;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, file, info) => {
      if (name !== 'file' || fileSeen) {
        file.resume();
        return;
      }
      fileSeen = true;
      // The reader sees errors through its iterator; this keeps one that arrives after the
      // reader stopped (a limit already answered) from becoming an uncaught exception.
      file.on('error', () => undefined);
      // A form cut off mid-file ends the parser with an error; pass it to the file's reader.
      parser.on('error', (error) =>
        file.destroy(new UploadInterruptedError((error as Error).message)),
      );
      stream.on('error', () => file.destroy(new UploadInterruptedError('request aborted')));
      resolve({
        fileName: fields.fileName || info.filename || undefined,
        profile: fields.profile || undefined,
        file,
        expectedBytes: undefined,
        dispose,
      });
    });
    parser.on('error', () => {
      if (!fileSeen) reject(new UploadInterruptedError('the multipart body could not be read'));
    });
    parser.on('close', () => {
      if (!fileSeen) reject(missingFile());
    });
    stream.on('error', () => {
      if (!fileSeen) reject(new UploadInterruptedError('request aborted'));
    });
    stream.pipe(parser);
  });
}

function missingFile(): ProblemError {
  return new ProblemError(PROBLEM.validation, 'No file was sent.', {
    errors: [{ pointer: '/file', detail: 'Send the file in a part named "file".' }],
  });
}
