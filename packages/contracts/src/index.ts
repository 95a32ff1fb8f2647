export * from './domain.ts';
export * from './ingest.ts';
