import {
  BatchColumnsSchema,
  BatchCommittedSchema,
  BatchDetailSchema,
  BatchListSchema,
  BatchPreviewSchema,
  BatchWithdrawnSchema,
  type Concern,
  type ReasonOnlyInput,
  RecordedConcernSchema,
  type UploadProfile,
  type UploadResult,
  UploadResultSchema,
} from '@hotspot/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, parseAnswer } from '../../api/api-fetch.ts';
import { ApiProblem, PROBLEM_TYPES, toApiProblem } from '../../api/api-problem.ts';

// The wire shapes of /api/batches and /api/records are packages/contracts/src/batches.ts and
// records.ts.
export {
  type Batch,
  type BatchColumns as TemplateDocs,
  type BatchCommitted as CommitResult,
  type BatchDetail,
  type BatchPreview,
  type BatchRowError as RowError,
  type BatchStatus,
  UPLOAD_PROFILES,
  type UploadProfile,
} from '@hotspot/contracts';

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
    queryFn: ({ signal }) => apiFetch('/api/batches', BatchListSchema, { signal }),
  });
}

export function useBatch(id: string | undefined) {
  return useQuery({
    queryKey: KEYS.batch(id ?? ''),
    queryFn: ({ signal }) => apiFetch(`/api/batches/${id}`, BatchDetailSchema, { signal }),
    enabled: id !== undefined,
  });
}

/** Record-level points (consultation, audited by the API): fetched only when shown. */
export function useBatchPreview(id: string | undefined) {
  return useQuery({
    queryKey: KEYS.preview(id ?? ''),
    queryFn: ({ signal }) => apiFetch(`/api/batches/${id}/preview`, BatchPreviewSchema, { signal }),
    enabled: id !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useTemplateDocs() {
  return useQuery({
    queryKey: KEYS.docs,
    queryFn: ({ signal }) => apiFetch('/api/batches/columns', BatchColumnsSchema, { signal }),
    staleTime: 10 * 60_000,
  });
}

export function useCommitBatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      apiFetch(`/api/batches/${id}/commit`, BatchCommittedSchema, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: KEYS.batches }),
  });
}

export function useWithdrawBatch() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string } & ReasonOnlyInput) =>
      apiFetch(`/api/batches/${id}`, BatchWithdrawnSchema, { method: 'DELETE', json: body }),
    onSettled: () => client.invalidateQueries({ queryKey: KEYS.batches }),
  });
}

export type ConcernLocation = Concern['location'];

export function useCreateRecord() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (concern: Concern) =>
      apiFetch('/api/records', RecordedConcernSchema, {
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
): Promise<UploadResult> {
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
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(toApiProblem(body, xhr.status));
        return;
      }
      try {
        resolve(parseAnswer('/api/batches', xhr.status, UploadResultSchema, body));
      } catch (error) {
        reject(error);
      }
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
