import type { Batch } from './batches-api.ts';

// Words and number formats the upload page and its batch report share.

export const STATUS_NAMES: Readonly<Record<Batch['status'], string>> = {
  validated: 'Checked, not committed',
  committed: 'Committed',
  rejected: 'Rejected (no valid rows)',
  withdrawn: 'Withdrawn',
};

export const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
export const formatDateTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
export const n = (value: number) => value.toLocaleString('en-GB');
