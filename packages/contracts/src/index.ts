export * from './domain.ts';
export * from './ingest.ts';
export * from './problem.ts';
