export * from './domain.ts';
export * from './ingest.ts';
export * from './map-palette.ts';
export * from './problem.ts';
