// The batches feature's front door: what other features, app.ts and the CLI may use.
// Nothing outside features/batches/ imports its other files (see .dependency-cruiser.cjs).
export { recordBatchGrain } from './batch-grain.ts';
export { commitBatch, withdrawBatch } from './batches.commands.ts';
export { batchRoutes } from './batches.routes.ts';
export { recordRoutes } from './records.routes.ts';
export { RAW_UPLOAD_TYPES } from './upload-body.ts';
