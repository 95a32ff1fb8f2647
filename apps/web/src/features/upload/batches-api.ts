import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FeatureCollection, Point } from 'geojson';
import { apiFetchUnparsed } from '../../api/api-fetch.ts';
import { ApiProblem, PROBLEM_TYPES, toApiProblem } from '../../api/api-problem.ts';

export const UPLOAD_PROFILES = ['native-csv', 'geojson', 'police-uk'] as const;
export type UploadProfile = (typeof UPLOAD_PROFILES)[number];

export type BatchStatus = 'validated' | 'committed' | 'rejected' | 'withdrawn';

interface PersonRef {
  readonly id: string;
  readonly name: string;
}

export interface RowError {
  readonly row: number;
  readonly column: string | null;
  readonly code: string;
  readonly message: string;
  /** Where the row is, when its coordinates could be read. */
  readonly at?: { readonly lng: number; readonly lat: number };
  /** The row's own place description (police.uk "location"). */
  readonly place?: string;
}

export interface Batch {
  readonly id: string;
  readonly fileName: string;
  readonly profile: UploadProfile | 'single';
  readonly status: BatchStatus;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly rows: {
    readonly total: number;
    readonly valid: number;
    readonly invalid: number;
    /** Rows whose only problem is a location outside the area (within `invalid`). */
    readonly outside: number;
    readonly skipped: number;
  };
  readonly uploadedAt: string;
  readonly uploadedBy: PersonRef;
  readonly committedAt: string | null;
  readonly committedBy: PersonRef | null;
  readonly withdrawnAt: string | null;
  readonly withdrawnBy: PersonRef | null;
  readonly withdrawReason: string | null;
}

export interface BatchDetail extends Batch {
  readonly errors: readonly RowError[];
  readonly errorCounts: readonly { readonly code: string; readonly count: number }[];
  readonly skippedCounts: readonly { readonly reason: string; readonly count: number }[];
  /** Rows whose only problem is a location outside the area (within rows.invalid). */
  readonly outsideAreaRows: number;
  /** Before commit: valid rows that would arrive already due for review. */
  readonly dueOnArrival: {
    readonly rows: number;
    readonly reportedOnOrBefore: string;
    readonly retentionMonths: number;
  } | null;
  readonly warnings?: readonly string[];
}

export interface ColumnDoc {
  readonly name: string;
  readonly required: 'yes' | 'no' | 'location';
  readonly format: string;
  readonly description: string;
  readonly example: string;
}

export interface CodeLabel {
  readonly code: string;
  readonly label: string;
}

export interface TemplateDocs {
  readonly columns: readonly ColumnDoc[];
  readonly example: string;
  readonly vocabulary: {
    readonly categories: readonly CodeLabel[];
    readonly placeTypes: readonly CodeLabel[];
    readonly agencies: readonly CodeLabel[];
  };
}

export interface PreviewProperties {
  readonly row: number;
  readonly reportedOn: string;
  readonly precision: string;
  readonly placeType: string;
  readonly category: string;
  readonly sourceAgency: string;
  readonly sourceGrade: string;
  readonly intelligenceGrade: string;
  readonly handlingCode: string;
  readonly summary: string | null;
}
export type BatchPreview = FeatureCollection<Point, PreviewProperties>;

export const TEMPLATE_URL = '/api/batches/template.csv';
export const errorsCsvUrl = (id: string) => `/api/batches/${encodeURIComponent(id)}/errors.csv`;

const KEYS = {
  batches: ['batches'],
  batch: (id: string) => ['batches', id],
  preview: (id: string) => ['batches', id, 'preview'],
  docs: ['batches', 'docs'],
} as const;

export function useBatches() {
  return useQuery({
    queryKey: KEYS.batches,
    queryFn: ({ signal }) => apiFetchUnparsed<{ batches: Batch[] }>('/api/batches', { signal }),
  });
}

export function useBatch(id: string | undefined) {
  return useQuery({
    queryKey: KEYS.batch(id ?? ''),
    queryFn: ({ signal }) => apiFetchUnparsed<BatchDetail>(`/api/batches/${id}`, { signal }),
    enabled: id !== undefined,
  });
}

/** Record-level points (consultation, audited by the API): fetched only when shown. */
export function useBatchPreview(id: string | undefined) {
  return useQuery({
    queryKey: KEYS.preview(id ?? ''),
    queryFn: ({ signal }) =>
      apiFetchUnparsed<BatchPreview>(`/api/batches/${id}/preview`, { signal }),
    enabled: id !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useTemplateDocs() {
  return useQuery({
    queryKey: KEYS.docs,
    queryFn: ({ signal }) => apiFetchUnparsed<TemplateDocs>('/api/batches/columns', { signal }),
    staleTime: 10 * 60_000,
  });
}

export interface CommitResult {
  readonly status: 'committed';
  readonly recordsAdded: number;
  /** First and last reported dates of the records added (null when none were). */
  readonly reportedFrom: string | null;
  readonly reportedTo: string | null;
  /** Records whose review date had already come when they were added. */
  readonly alreadyDueForReview: number;
}

export function useCommitBatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetchUnparsed<CommitResult>(`/api/batches/${id}/commit`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: KEYS.batches }),
  });
}

export function useWithdrawBatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      apiFetchUnparsed<{ status: 'withdrawn'; recordsRemoved: number }>(`/api/batches/${id}`, {
        method: 'DELETE',
        json: { reason },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: KEYS.batches }),
  });
}

export type ConcernLocation =
  | { readonly lng: number; readonly lat: number }
  | { readonly easting: number; readonly northing: number }
  | { readonly gridRef: string };

export interface Concern {
  readonly reportedOn: string;
  readonly occurredFrom: string | null;
  readonly occurredTo: string | null;
  readonly location: ConcernLocation;
  readonly placeType: string;
  readonly category: string;
  readonly sourceAgency: string;
  readonly sourceGrade: string;
  readonly intelligenceGrade: string;
  readonly handlingCode: string;
  readonly summary: string | null;
}

export function useCreateRecord() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (concern: Concern) =>
      apiFetchUnparsed<{ id: string; batchId: string; reviewOn: string }>('/api/records', {
        method: 'POST',
        json: concern,
      }),
    onSettled: () => client.invalidateQueries({ queryKey: KEYS.batches }),
  });
}

export interface UploadProgress {
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

/** The file's media type as the API accepts it for a raw upload. */
function contentTypeOf(file: File): string {
  if (/\.(geo)?json$/i.test(file.name)) return 'application/geo+json';
  if (/\.csv$/i.test(file.name) || file.type === 'text/csv') return 'text/csv';
  return 'application/octet-stream';
}

/**
 * Sends the file as the request body (the server streams it through validation) and reports
 * upload progress. XMLHttpRequest, because fetch has no upload progress events.
 */
export function uploadBatch(
  file: File,
  profile: UploadProfile | undefined,
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<BatchDetail> {
  const params = new URLSearchParams({ fileName: file.name });
  if (profile) params.set('profile', profile);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/batches?${params}`);
    xhr.setRequestHeader('content-type', contentTypeOf(file));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (event) =>
      onProgress({ loadedBytes: event.loaded, totalBytes: event.total || file.size });
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as BatchDetail);
      else reject(toApiProblem(body, xhr.status));
    };
    xhr.onerror = () =>
      reject(
        new ApiProblem(
          PROBLEM_TYPES.network,
          'The upload did not reach the server',
          0,
          'Check the connection and try again.',
          undefined,
          [],
        ),
      );
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

/** Refreshes the batch list after an upload. */
export function useInvalidateBatches(): () => Promise<void> {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: KEYS.batches });
}
