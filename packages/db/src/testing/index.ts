export * from './pglite-pool.ts';
export * from './private-postgres.ts';
export * from './tcp-proxy.ts';
export * from './test-databases.ts';
