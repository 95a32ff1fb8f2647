export * from './backup.ts';
export * from './bulk-transaction.ts';
export * from './create-db.ts';
export * from './float8-pairs.ts';
export * from './migrate.ts';
export type * from './schema.ts';
